// A member's permissions on their page: each with where it comes from,
// granted directly with a warning for sensitive ones, and a role edit
// showing on the open page at once.
import { test, expect, hydrated, signedIn } from './fixtures';

test("an owner grants permissions on a member's page and sees a role edit there at once", async ({ page, context, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.getByRole('table', { name: 'Members of your organisation' }).getByRole('link', { name: 'Mia Member' }).click();
  await expect(page.getByRole('heading', { name: 'Permissions', exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Permissions' }).getByText('None.', { exact: true })).toBeVisible();

  // A sensitive permission says what it lets them do before it is granted.
  const choice = page.getByLabel('Grant a permission');
  await choice.selectOption({ label: 'Manage members (sensitive)' });
  await expect(page.getByRole('note')).toContainText('Manage members is sensitive');
  await choice.selectOption({ label: 'See the team' });
  await expect(page.getByRole('note')).toBeHidden();
  await page.getByRole('button', { name: 'Grant', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'See the team granted.' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Permissions of Mia Member' });
  await expect(table.getByRole('row', { name: /See the team/ })).toContainText('Granted directly by Olive Owner on');

  // The Member role edited in another tab: the open page shows it at once.
  const roles = await context.newPage();
  await roles.goto('/settings/roles');
  // The editor opens only once the page is interactive.
  await hydrated(roles);
  await roles.getByRole('button', { name: 'Edit Member' }).click();
  const editor = roles.getByRole('region', { name: 'Edit Member' });
  await editor.getByRole('checkbox', { name: /Audit log/ }).check();
  await editor.getByRole('button', { name: 'Save role' }).click();
  await expect(roles.getByRole('status').filter({ hasText: 'Role Member saved.' })).toBeVisible();
  await expect(table.getByRole('row', { name: /Audit log/ })).toContainText('Role Member');
  await roles.getByRole('button', { name: 'Edit Member' }).click();
  await roles.getByRole('region', { name: 'Edit Member' }).getByRole('checkbox', { name: /Audit log/ }).uncheck();
  await roles.getByRole('region', { name: 'Edit Member' }).getByRole('button', { name: 'Save role' }).click();
  await expect(table.getByRole('row', { name: /Audit log/ })).toHaveCount(0);

  // The position is the organisation's to set (name and phone stay the person's).
  await page.getByText('Change position').click();
  await page.getByLabel('Position', { exact: true }).fill('Night lead');
  await page.getByRole('button', { name: 'Save position' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Position saved.' })).toBeVisible();
  await expect(page.getByText('Night lead', { exact: true })).toBeVisible();

  // A direct grant taken away.
  await page.getByRole('button', { name: 'Take away See the team' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'See the team taken away.' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Permissions' }).getByText('None.', { exact: true })).toBeVisible();
});
