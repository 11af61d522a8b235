// The access model end to end: an owner defines a Supervisor role with
// two of the product's permissions, invites someone with it and one more
// permission (warned when a sensitive one is chosen), the invitee accepts
// on a phone, and the member page shows each permission with its source,
// following a role edit at once.
import { test, expect, acceptOnPhone, emailTo, hydrated, invitationLinkIn, openInvite, signedIn, uniqueEmail } from './fixtures';

test('a Supervisor invited with one more permission shows each permission with its source', async ({ page, context, org, browser }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.goto('/settings/permissions');
  await hydrated(page);
  for (const [key, name] of [['reports.view', 'View reports'], ['calls.make', 'Make calls']]) {
    await page.getByRole('button', { name: 'New permission' }).click();
    const editor = page.getByRole('region', { name: 'New permission' });
    await editor.getByLabel('Key').fill(key);
    await editor.getByLabel('Name').fill(name);
    await editor.getByRole('button', { name: 'Add permission' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Permission ${name} saved.` })).toBeVisible();
    // Saving reloads the page's data, which closes the editor: the new
    // row shows once that is done.
    await expect(page.getByRole('table', { name: "Your product's permissions" }).getByRole('row', { name: new RegExp(name) })).toBeVisible();
  }

  await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('button', { name: 'New role' }).click();
  const role = page.getByRole('region', { name: 'New role' });
  await role.getByLabel('Name').fill('Supervisor');
  const product = role.getByRole('group', { name: "Your product's permissions" });
  await product.getByRole('checkbox', { name: /View reports/ }).check();
  await product.getByRole('checkbox', { name: /Make calls/ }).check();
  await role.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Role Supervisor saved.' })).toBeVisible();

  // The invitation: the role, then one more permission.
  const email = uniqueEmail('supervisor');
  const dialog = await openInvite(page, email, 'Sara Supervisor');
  await dialog.getByLabel('Role', { exact: true }).selectOption({ label: 'Supervisor' });
  await expect(dialog.getByRole('note')).toBeHidden();
  await dialog.getByText('Customize permissions').click();
  await dialog.getByRole('checkbox', { name: /Manage members/ }).check();
  await expect(dialog.getByRole('note')).toContainText('Manage members is sensitive');
  await dialog.getByRole('checkbox', { name: /Manage members/ }).uncheck();
  await expect(dialog.getByRole('note')).toBeHidden();
  await dialog.getByRole('checkbox', { name: /See the team/ }).check();
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('dialog', { name: 'Invitation created' })).toBeVisible();
  await page.getByRole('button', { name: 'Done' }).click();

  const invitee = await acceptOnPhone(browser, invitationLinkIn(await emailTo(email)));
  await invitee.context().close();

  // The member page: each permission with where it comes from.
  await page.reload();
  await hydrated(page);
  await page.getByRole('table', { name: 'Members of your organisation' }).getByRole('link', { name: 'Sara Supervisor' }).click();
  const held = page.getByRole('table', { name: 'Permissions of Sara Supervisor' });
  await expect(held.getByRole('row', { name: /View reports/ })).toContainText('Role Supervisor');
  await expect(held.getByRole('row', { name: /Make calls/ })).toContainText('Role Supervisor');
  await expect(held.getByRole('row', { name: /See the team/ })).toContainText('Granted directly by Olive Owner');

  // A permission taken from the role, in another tab: gone here at once.
  const roles = await context.newPage();
  await roles.goto('/settings/roles');
  await hydrated(roles);
  await roles.getByRole('button', { name: 'Edit Supervisor' }).click();
  const edit = roles.getByRole('region', { name: 'Edit Supervisor' });
  await edit.getByRole('checkbox', { name: /Make calls/ }).uncheck();
  await edit.getByRole('button', { name: 'Save role' }).click();
  await expect(roles.getByRole('status').filter({ hasText: 'Role Supervisor saved.' })).toBeVisible();
  await expect(held.getByRole('row', { name: /Make calls/ })).toHaveCount(0);
  await expect(held.getByRole('row', { name: /View reports/ })).toContainText('Role Supervisor');
});
