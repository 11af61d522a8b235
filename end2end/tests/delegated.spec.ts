// Delegated administration: an owner creates two sites and a "Site
// Manager" site role, puts Mia at Lyon, and invites a manager for Berlin.
// The manager accepts on a phone, invites a technician into Berlin, sees
// only Berlin's people in the team table, and cannot open Mia's page by
// its address. Inviting her, he is answered as for a new address, and she
// joins Berlin with her password.
import { test, expect, acceptOnPhone, emailTo, hydrated, invitationLinkIn, openInvite, phone, signedIn, uniqueEmail } from './fixtures';

test('a site manager invites into their site and sees only its people', async ({ page, org, browser }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.goto('/settings/sites');
  await hydrated(page);
  const sites = page.getByRole('table', { name: 'Sites of your organisation' });
  for (const name of ['Berlin', 'Lyon']) {
    await page.getByRole('button', { name: 'New site' }).click();
    const editor = page.getByRole('region', { name: 'New site' });
    await editor.getByLabel('Name').fill(name);
    await editor.getByRole('button', { name: 'Create site' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Site ${name} saved.` })).toBeVisible();
    await expect(sites.getByRole('row', { name: new RegExp(name) })).toBeVisible();
  }

  await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('button', { name: 'New role' }).click();
  const role = page.getByRole('region', { name: 'New role' });
  await role.getByLabel('Name').fill('Site Manager');
  for (const permission of [/See the team/, /Invite people/, /Manage members/]) {
    await role.getByRole('checkbox', { name: permission }).check();
  }
  await role.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Role Site Manager saved.' })).toBeVisible();

  // Mia works at Lyon.
  await page.goto('/team');
  await hydrated(page);
  await page.getByRole('table', { name: 'Members of your organisation' }).getByRole('link', { name: 'Mia Member' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mia Member' })).toBeVisible();
  await hydrated(page);
  const miaPage = page.url();
  const assignments = page.getByRole('region', { name: 'Role assignments' });
  await assignments.getByLabel('Add to a site').selectOption({ label: 'Lyon' });
  await assignments.getByLabel('Site role', { exact: true }).selectOption({ label: 'Member' });
  await assignments.getByRole('button', { name: 'Add to site' }).click();
  await expect(assignments.getByRole('status')).toHaveText('Site role at Lyon saved.');

  // The manager for Berlin: a Member across the organisation, Site
  // Manager at Berlin.
  const managerEmail = uniqueEmail('site-manager');
  const dialog = await openInvite(page, managerEmail, 'Sam Supervisor');
  await dialog.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
  await dialog.getByRole('group', { name: 'Sites' }).getByLabel('Site role at Berlin', { exact: true }).selectOption({ label: 'Site Manager' });
  await expect(dialog.getByRole('note')).toContainText('Manage members');
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('dialog', { name: 'Invitation created' })).toBeVisible();
  await page.getByRole('button', { name: 'Done' }).click();

  // Sam accepts on his phone, and invites a technician into Berlin there.
  const sam = await acceptOnPhone(browser, invitationLinkIn(await emailTo(managerEmail)));
  await sam.goto('/team');
  await hydrated(sam);
  const team = sam.getByRole('table', { name: 'Members of your organisation' });
  await expect(team.getByRole('rowheader').getByRole('link')).toHaveText(['Sam Supervisor']);
  const technicianEmail = uniqueEmail('technician');
  const invite = await openInvite(sam, technicianEmail, 'Tom Technician');
  const offered = invite.getByRole('group', { name: 'Sites' });
  await expect(offered.getByLabel('Site role at Lyon', { exact: true })).toHaveCount(0);
  // No site chosen: told to choose one of his.
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(invite.getByText('Choose at least one of your sites')).toBeVisible();
  await offered.getByLabel('Site role at Berlin', { exact: true }).selectOption({ label: 'Member' });
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(sam.getByRole('dialog', { name: 'Invitation created' })).toBeVisible();
  await sam.getByRole('button', { name: 'Done' }).click();
  // Only Berlin's people and invitations: Sam, and Tom on his way; not
  // Mia, nor the owner and the admin, who are at no site.
  await expect(sam.getByRole('row', { name: new RegExp(technicianEmail) })).toBeVisible();
  await expect(team.getByRole('rowheader').getByRole('link')).toHaveText(['Sam Supervisor']);
  await expect(sam.getByText('Mia Member')).toHaveCount(0);

  // Mia's page, by its address: nobody he may see.
  await sam.goto(miaPage);
  await expect(sam.getByRole('heading', { name: 'This person is not a member of your organisation' })).toBeVisible();
  await expect(sam.getByText('Mia Member')).toHaveCount(0);

  // Her address, typed by Sam: answered as for a new address, since she
  // is nobody to him. Her phone shows what accepting does for a member,
  // and accepting with her password puts her at Berlin, in his table.
  const toMia = await openInvite(sam, org.member_email);
  await toMia.getByRole('group', { name: 'Sites' }).getByLabel('Site role at Berlin', { exact: true }).selectOption({ label: 'Member' });
  await toMia.getByRole('button', { name: 'Send invitation' }).click();
  await expect(sam.getByRole('dialog', { name: 'Invitation created' })).toBeVisible();
  await sam.getByRole('button', { name: 'Done' }).click();
  const mia = await phone(browser);
  await mia.goto(invitationLinkIn(await emailTo(org.member_email)));
  await hydrated(mia);
  await expect(mia.getByText('Member, and Member at Berlin')).toBeVisible();
  await expect(mia.getByText(`Already a member of ${org.name}? Accepting adds you to Berlin as above`)).toBeVisible();
  await mia.getByText('I already have a Roster account').click();
  await mia.getByLabel('Your Roster password').fill(org.password);
  await mia.getByRole('button', { name: 'Accept and sign in' }).click();
  await expect(mia).toHaveURL(/\/welcome$/);
  await mia.context().close();
  await expect(team.getByRole('rowheader').getByRole('link')).toHaveText(['Mia Member', 'Sam Supervisor']);
  await sam.context().close();
});
