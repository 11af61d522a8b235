// The roles page: an owner creates a role, gives it a sensitive
// permission after the warning, and deletes it, moving its people.
import { test, expect, hydrated, signedIn } from './fixtures';

test('an owner creates a role, edits it with a sensitive permission, and deletes it moving its people', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
  await expect(page).toHaveURL(/\/settings\/roles$/);
  const table = page.getByRole('table', { name: 'Roles of your organisation' });
  await expect(table.getByRole('rowheader')).toHaveText([/^Owner/, /^Admin/, /^Member/]);
  // Owner is built in: nothing to edit.
  await expect(page.getByRole('button', { name: 'Edit Owner' })).toHaveCount(0);

  await page.getByRole('button', { name: 'New role' }).click();
  const editor = page.getByRole('region', { name: 'New role' });
  await editor.getByLabel('Name').fill('Supervisor');
  await editor.getByLabel('Description').fill('Leads a shift.');
  await editor.getByRole('checkbox', { name: /See the team/ }).check();
  await expect(editor.getByRole('note')).toBeHidden();
  await editor.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Role Supervisor saved.' })).toBeVisible();
  const row = table.getByRole('row', { name: /Supervisor/ });
  await expect(row).toContainText('Leads a shift.');
  await expect(row).toContainText('See the team');
  await expect(row).toContainText('0 people');

  // A sensitive permission says what it lets people do before it is saved.
  await page.getByRole('button', { name: 'Edit Supervisor' }).click();
  const edit = page.getByRole('region', { name: 'Edit Supervisor' });
  await edit.getByRole('checkbox', { name: /Invite people/ }).check();
  await expect(edit.getByRole('note')).toContainText('Sensitive permissions let the people who hold them change who has access.');
  await edit.getByRole('button', { name: 'Save role' }).click();
  await expect(row).toContainText('See the team, Invite people');

  // A copy starts with its permissions and a name of its own.
  await page.getByRole('button', { name: 'Copy Supervisor' }).click();
  const copy = page.getByRole('region', { name: 'New role' });
  await expect(copy.getByLabel('Name')).toHaveValue('Copy of Supervisor');
  await expect(copy.getByRole('checkbox', { name: /Invite people/ })).toBeChecked();
  await copy.getByLabel('Name').fill('Night supervisor');
  await copy.getByRole('button', { name: 'Create role' }).click();
  await expect(table.getByRole('row', { name: /Night supervisor/ })).toContainText('See the team, Invite people');

  // A name another role has, in any case, is refused beside the name.
  await page.getByRole('button', { name: 'New role' }).click();
  const again = page.getByRole('region', { name: 'New role' });
  await again.getByLabel('Name').fill('supervisor');
  await again.getByRole('button', { name: 'Create role' }).click();
  await expect(again.getByText('Another role is already called that. Choose another name.')).toBeVisible();
  await expect(again.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await again.getByRole('button', { name: 'Cancel' }).click();

  // Deleting asks where its people go.
  await page.getByRole('button', { name: 'Delete Supervisor' }).click();
  const removal = page.getByRole('region', { name: 'Delete Supervisor' });
  await removal.getByLabel('Move its people to').selectOption({ label: 'Member' });
  await removal.getByRole('button', { name: 'Delete role' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Role Supervisor deleted.' })).toBeVisible();
  await expect(table.getByRole('row', { name: /Supervisor/ })).toHaveCount(0);
});

test('an admin, who may not manage roles, is told so and has no link to them', async ({ page, org }) => {
  await signedIn(page, org.admin_email, org.password);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' })).toHaveCount(0);
  await page.goto('/settings/roles');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Only people who may manage roles see them' })).toBeVisible();
});
