// The departments page: an owner creates and renames a department, and an
// archived one leaves the invite dialog until it is restored.
import { test, expect, hydrated, signedIn } from './fixtures';

test('an owner creates, renames, archives and restores departments', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'Departments' }).click();
  await expect(page).toHaveURL(/\/settings\/departments$/);
  const table = page.getByRole('table', { name: 'Departments of your organisation' });
  await expect(table.getByRole('rowheader')).toHaveText([/^Customer Support/, /^Technical/]);

  await page.getByRole('button', { name: 'New department' }).click();
  const editor = page.getByRole('region', { name: 'New department' });
  await editor.getByLabel('Name').fill('technical');
  await editor.getByRole('button', { name: 'Create department' }).click();
  await expect(editor.getByText('Another department is already called that. Choose another name.')).toBeVisible();
  await expect(editor.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await editor.getByLabel('Name').fill('Night desk');
  await editor.getByRole('button', { name: 'Create department' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Department Night desk saved.' })).toBeVisible();

  await page.getByRole('button', { name: 'Rename Night desk' }).click();
  const rename = page.getByRole('region', { name: 'Rename Night desk' });
  await rename.getByLabel('Name').fill('Late desk');
  await rename.getByRole('button', { name: 'Save name' }).click();
  await expect(table.getByRole('row', { name: /Late desk/ })).toContainText('Active');

  await page.getByRole('button', { name: 'Archive Technical' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Department Technical archived.' })).toBeVisible();
  await expect(table.getByRole('row', { name: /Technical/ })).toContainText('Archived');

  // The invite dialog no longer offers it.
  await page.goto('/team');
  await hydrated(page);
  await page.getByRole('button', { name: 'Invite user' }).first().click();
  const departments = page.getByRole('dialog', { name: 'Invite user' }).getByLabel('Department', { exact: true });
  await expect(departments.getByRole('option')).toHaveText(['No department', 'Customer Support', 'Late desk']);
  await page.keyboard.press('Escape');

  await page.goto('/settings/departments');
  await hydrated(page);
  await page.getByRole('button', { name: 'Restore Technical' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Department Technical restored.' })).toBeVisible();
  await expect(table.getByRole('row', { name: /Technical/ })).toContainText('Active');
});

test('an admin puts a member in another department, and the team filter finds her there', async ({ page, org }) => {
  await signedIn(page, org.admin_email, org.password);
  await page.getByRole('link', { name: 'Mia Member' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mia Member' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Add a department').selectOption({ label: 'Technical' });
  await page.getByRole('button', { name: 'Add', exact: true }).first().click();
  await expect(page.getByRole('status').filter({ hasText: 'Added to Technical.' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Other departments' }).getByRole('listitem')).toHaveText([/Technical/]);

  await page.goto('/team');
  await hydrated(page);
  if (test.info().project.name === 'phone') await page.getByRole('button', { name: /^Filters and sort/ }).click();
  await page.getByLabel('Department').selectOption({ label: 'Technical' });
  const members = page.getByRole('table', { name: 'Members of your organisation' });
  await expect(members.getByRole('rowheader').getByRole('link')).toHaveText(['Mia Member']);
  await expect(members.getByRole('row', { name: /Mia Member/ })).toContainText('Technical');

  await members.getByRole('link', { name: 'Mia Member' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Remove from Technical' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Taken out of Technical.' })).toBeVisible();
});
