// Sites: an owner creates two sites (a duplicate name refused beside the
// field), puts a member on one with a site role from her page, changes
// it, finds her with the team table's site filters, and archives the
// other site, which then leaves the member page's picker.
import { test, expect, hydrated, openInvite, signedIn, uniqueEmail } from './fixtures';

test('an owner creates sites, gives a member a site role and filters the team by it', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'Sites' }).click();
  await expect(page).toHaveURL(/\/settings\/sites$/);
  await expect(page.getByText('None yet.')).toBeVisible();
  const table = page.getByRole('table', { name: 'Sites of your organisation' });

  for (const [name, zone] of [['Berlin', 'Europe/Berlin'], ['Lyon', 'Europe/Paris']]) {
    await page.getByRole('button', { name: 'New site' }).click();
    const editor = page.getByRole('region', { name: 'New site' });
    await editor.getByLabel('Name').fill(name);
    await editor.getByLabel('Address').fill(`1 Main Street, ${name}`);
    await editor.getByLabel('Time zone').selectOption(zone);
    await editor.getByRole('button', { name: 'Create site' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Site ${name} saved.` })).toBeVisible();
    // Saving reloads the page's data, which closes the editor: the new
    // row shows once that is done.
    await expect(table.getByRole('row', { name: new RegExp(name) })).toBeVisible();
  }
  await page.getByRole('button', { name: 'New site' }).click();
  const editor = page.getByRole('region', { name: 'New site' });
  await editor.getByLabel('Name').fill('berlin');
  await editor.getByRole('button', { name: 'Create site' }).click();
  await expect(editor.getByText('Another site is already called that. Choose another name.')).toBeVisible();
  await expect(editor.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await expect(table.getByRole('rowheader')).toHaveText([/^Berlin/, /^Lyon/]);

  // Mia's page: Berlin, as a Member; then as an Admin.
  await page.goto('/team');
  await hydrated(page);
  await page.getByRole('table', { name: 'Members of your organisation' }).getByRole('link', { name: 'Mia Member' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mia Member' })).toBeVisible();
  await hydrated(page);
  const assignments = page.getByRole('region', { name: 'Role assignments' });
  await expect(assignments).toContainText('Organisation: Member');
  await expect(assignments.getByText('No sites.')).toBeVisible();
  await assignments.getByLabel('Add to a site').selectOption({ label: 'Berlin' });
  await assignments.getByLabel('Site role', { exact: true }).selectOption({ label: 'Member' });
  await assignments.getByRole('button', { name: 'Add to site' }).click();
  await expect(assignments.getByRole('status')).toHaveText('Site role at Berlin saved.');
  await assignments.getByLabel('Site role at Berlin', { exact: true }).selectOption({ label: 'Admin' });
  await assignments.getByRole('button', { name: 'Save site role at Berlin' }).click();
  await expect(assignments.getByLabel('Site role at Berlin', { exact: true })).toHaveValue(/.+/);
  await expect(assignments.getByLabel('Site role at Berlin', { exact: true }).locator('option:checked')).toHaveText('Admin');
  // Her permissions say where she holds each.
  const held = page.getByRole('table', { name: 'Permissions of Mia Member' });
  await expect(held.getByRole('row', { name: /Manage members/ })).toContainText('At Berlin, through site role Admin');

  // The team table finds her by site and by site role.
  await page.goto('/team');
  await hydrated(page);
  if (test.info().project.name === 'phone') await page.getByRole('button', { name: /^Filters and sort/ }).click();
  await page.getByLabel('Site', { exact: true }).selectOption({ label: 'Berlin' });
  await expect(page).toHaveURL(/\/team\?site=[0-9a-f-]{36}$/);
  const members = page.getByRole('table', { name: 'Members of your organisation' });
  await expect(members.getByRole('rowheader').getByRole('link')).toHaveText(['Mia Member']);
  const toggle = page.getByRole('button', { name: /^Filters and sort/ });
  if (test.info().project.name === 'phone' && (await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
  await page.getByLabel('Site role', { exact: true }).selectOption({ label: 'Member' });
  await expect(page.getByText('No one matches')).toBeVisible();

  // Archived, Lyon leaves her page's picker.
  await page.goto('/settings/sites');
  await hydrated(page);
  await page.getByRole('button', { name: 'Archive Lyon' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Site Lyon archived.' })).toBeVisible();
  await expect(table.getByRole('row', { name: /Lyon/ })).toContainText('Archived');
  await page.goto('/team');
  await hydrated(page);
  await page.getByRole('table', { name: 'Members of your organisation' }).getByRole('link', { name: 'Mia Member' }).click();
  await hydrated(page);
  await expect(page.getByRole('region', { name: 'Role assignments' }).getByLabel('Add to a site')).toHaveCount(0);
});

test('an invitation keeps a site role, shown in the Invitations tab', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.goto('/settings/sites');
  await hydrated(page);
  await page.getByRole('button', { name: 'New site' }).click();
  const editor = page.getByRole('region', { name: 'New site' });
  await editor.getByLabel('Name').fill('Berlin');
  await editor.getByRole('button', { name: 'Create site' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Site Berlin saved.' })).toBeVisible();

  const email = uniqueEmail('site');
  const dialog = await openInvite(page, email);
  const sites = dialog.getByRole('group', { name: 'Sites' });
  // A site role holding a sensitive permission is named before sending.
  await sites.getByLabel('Site role at Berlin', { exact: true }).selectOption({ label: 'Admin' });
  await expect(dialog.getByRole('note')).toContainText('Manage members');
  await sites.getByLabel('Site role at Berlin', { exact: true }).selectOption({ label: 'Member' });
  await expect(dialog.getByRole('note')).toBeHidden();
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('dialog', { name: 'Invitation created' })).toBeVisible();
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('navigation', { name: 'Team views' }).getByRole('link', { name: /^Invitations/ }).click();
  await expect(page.getByRole('table', { name: 'Members of your organisation' })).toHaveCount(0);
  await expect(page.getByRole('row', { name: new RegExp(email) })).toContainText('At Berlin (Member)');
});
