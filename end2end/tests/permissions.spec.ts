// The permissions page: an owner defines a product permission, a role
// holds it, and retiring it names that role before taking it away.
import { test, expect, signedIn } from './fixtures';

test('an owner adds a product permission, gives it to a role, and retires it after seeing who holds it', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'Permissions' }).click();
  await expect(page).toHaveURL(/\/settings\/permissions$/);
  await expect(page.getByRole('table', { name: "Roster's permissions" }).getByRole('row', { name: /Manage members/ }))
    .toContainText('Sensitive');

  // A key in Roster's own namespace is refused beside the key.
  await page.getByRole('button', { name: 'New permission' }).click();
  const editor = page.getByRole('region', { name: 'New permission' });
  await editor.getByLabel('Key').fill('members.export');
  await editor.getByLabel('Name').fill('Export members');
  await editor.getByRole('button', { name: 'Add permission' }).click();
  await expect(editor.getByText(/are kept for Roster's own permissions/)).toBeVisible();
  await expect(editor.getByLabel('Key')).toHaveAttribute('aria-invalid', 'true');

  await editor.getByLabel('Key').fill('reports.view');
  await editor.getByLabel('Name').fill('View reports');
  await editor.getByLabel('Description').fill('Open the monthly reports.');
  await editor.getByRole('button', { name: 'Add permission' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Permission View reports saved.' })).toBeVisible();
  const product = page.getByRole('table', { name: "Your product's permissions" });
  await expect(product.getByRole('row', { name: /View reports/ })).toContainText('reports.view');
  await expect(product.getByRole('row', { name: /View reports/ })).toContainText('Nobody');

  // The role editor offers it with the product's permissions.
  await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('button', { name: 'New role' }).click();
  const role = page.getByRole('region', { name: 'New role' });
  await role.getByLabel('Name').fill('Supervisor');
  await role.getByRole('group', { name: "Your product's permissions" }).getByRole('checkbox', { name: /View reports/ }).check();
  await role.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByRole('table', { name: 'Roles of your organisation' }).getByRole('row', { name: /Supervisor/ }))
    .toContainText('View reports');

  // Retiring names the role first.
  await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'Permissions' }).click();
  await expect(product.getByRole('row', { name: /View reports/ })).toContainText('1 role');
  await page.getByRole('button', { name: 'Retire View reports' }).click();
  const retire = page.getByRole('region', { name: 'Retire View reports' });
  await expect(retire).toContainText('Roles: Supervisor');
  await retire.getByRole('button', { name: 'Retire permission' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Permission View reports retired.' })).toBeVisible();
  await expect(page.getByText('None yet.')).toBeVisible();
  await page.getByText('Retired permissions').click();
  await expect(page.getByRole('listitem').filter({ hasText: 'reports.view' })).toBeVisible();
});
