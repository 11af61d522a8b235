// Groups: an owner creates one that grants a permission (warned when it
// is sensitive), adds a member from the group's page, sees the group as
// the source of that member's permission, filters the team table by it,
// and takes the member out from their page; people chosen in the team
// table join a group at once; an invitation carries groups to its invitee.
import { test, expect, acceptOnPhone, emailTo, hydrated, invitationLinkIn, openInvite, signedIn, uniqueEmail } from './fixtures';

test('an owner creates a group, fills it, filters the team by it and empties it', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('navigation', { name: 'Access' }).getByRole('link', { name: 'Groups' }).click();
  await expect(page).toHaveURL(/\/settings\/groups$/);
  await expect(page.getByText('No groups yet.')).toBeVisible();

  await page.getByRole('button', { name: 'New group' }).click();
  const editor = page.getByRole('region', { name: 'New group' });
  await editor.getByLabel('Name').fill('Night shift');
  await editor.getByLabel('See the team').check();
  // A sensitive permission is named before anything is saved.
  const warning = editor.getByRole('note').filter({ hasText: 'sensitive permissions' });
  await expect(warning).toBeHidden();
  await editor.getByLabel('Invite people').check();
  await expect(warning).toContainText('Invite people');
  await editor.getByLabel('Invite people').uncheck();
  await expect(warning).toBeHidden();
  await editor.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Group Night shift saved.' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Groups of your organisation' });
  await expect(table.getByRole('row', { name: /Night shift/ })).toContainText('See the team');

  // The group's page: find Mia, add her.
  await table.getByRole('link', { name: 'Night shift' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Night shift' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Add people').fill('mia');
  await page.getByRole('button', { name: 'Add Mia Member' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Mia Member added.' })).toBeVisible();
  const people = page.getByRole('table', { name: 'People in the group' });
  await expect(people.getByRole('rowheader')).toHaveText([/^Mia Member/]);

  // Her page names the group as where the permission comes from.
  await people.getByRole('link', { name: 'Mia Member' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mia Member' })).toBeVisible();
  await hydrated(page);
  const groups = page.getByRole('region', { name: 'Groups' });
  await expect(groups.getByRole('list', { name: 'Groups' }).getByRole('listitem')).toHaveText([/Night shift/]);
  const permissions = page.getByRole('table', { name: 'Permissions of Mia Member' });
  await expect(permissions.getByRole('row', { name: /See the team/ })).toContainText('Group Night shift');

  // The team table filters by the group.
  await page.goto('/team');
  await hydrated(page);
  if (test.info().project.name === 'phone') await page.getByRole('button', { name: /^Filters and sort/ }).click();
  await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Night shift' });
  await expect(page).toHaveURL(/\/team\?group=[0-9a-f-]{36}$/);
  const members = page.getByRole('table', { name: 'Members of your organisation' });
  await expect(members.getByRole('rowheader').getByRole('link')).toHaveText(['Mia Member']);

  // Taken out from her page: the group no longer grants her anything.
  await members.getByRole('link', { name: 'Mia Member' }).click();
  await hydrated(page);
  await page.getByRole('region', { name: 'Groups' }).getByRole('button', { name: 'Take out of Night shift' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Taken out of Night shift.' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Groups' }).getByText('None.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Permissions of Mia Member' })).toHaveCount(0);
});

test('an owner chooses people in the team table and puts them in a group at once', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.goto('/settings/groups');
  await hydrated(page);
  await page.getByRole('button', { name: 'New group' }).click();
  const editor = page.getByRole('region', { name: 'New group' });
  await editor.getByLabel('Name').fill('Day shift');
  await editor.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Group Day shift saved.' })).toBeVisible();

  await page.goto('/team');
  await hydrated(page);
  const bar = page.getByRole('region', { name: 'Chosen people' });
  await expect(bar).toBeHidden();
  await page.getByRole('checkbox', { name: 'Choose Mia Member' }).check();
  await page.getByRole('checkbox', { name: 'Choose Adam Admin' }).check();
  await expect(bar).toContainText('2 people chosen');
  await bar.getByLabel('Add to group').selectOption({ label: 'Day shift' });
  await bar.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: '2 people added to Day shift.' })).toBeVisible();
  await expect(bar).toBeHidden();
  await expect(page.getByRole('checkbox', { name: 'Choose Mia Member' })).not.toBeChecked();

  if (test.info().project.name === 'phone') await page.getByRole('button', { name: /^Filters and sort/ }).click();
  await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Day shift' });
  const members = page.getByRole('table', { name: 'Members of your organisation' });
  await expect(members.getByRole('rowheader').getByRole('link')).toHaveText(['Adam Admin', 'Mia Member']);
});

test('an invitation keeps its groups, an edit changes them, and accepting joins them', async ({ page, org, browser }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.goto('/settings/groups');
  await hydrated(page);
  for (const [name, sensitive] of [['Porters', false], ['Front desk', true]] as const) {
    await page.getByRole('button', { name: 'New group' }).click();
    const editor = page.getByRole('region', { name: 'New group' });
    await editor.getByLabel('Name').fill(name);
    if (sensitive) await editor.getByLabel('Invite people').check();
    await editor.getByRole('button', { name: 'Create group' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Group ${name} saved.` })).toBeVisible();
    // Saving reloads the page's data, which closes the editor: the new
    // row shows once that is done.
    await expect(page.getByRole('table', { name: 'Groups of your organisation' }).getByRole('row', { name: new RegExp(name) })).toBeVisible();
  }

  // The invite dialog: a group granting a sensitive permission is named
  // before anything is sent.
  const email = uniqueEmail('porter');
  const dialog = await openInvite(page, email, 'Pat Porter');
  const groups = dialog.getByRole('group', { name: 'Groups' });
  await groups.getByRole('checkbox', { name: 'Front desk' }).check();
  await expect(dialog.getByRole('note')).toContainText('Invite people is sensitive');
  await groups.getByRole('checkbox', { name: 'Front desk' }).uncheck();
  await expect(dialog.getByRole('note')).toBeHidden();
  await groups.getByRole('checkbox', { name: 'Porters' }).check();
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('dialog', { name: 'Invitation created' })).toBeVisible();
  await page.getByRole('button', { name: 'Done' }).click();

  // The Invitations tab shows the group; an edit adds the other.
  await page.getByRole('navigation', { name: 'Team views' }).getByRole('link', { name: /^Invitations/ }).click();
  await expect(page.getByRole('table', { name: 'Members of your organisation' })).toHaveCount(0);
  const row = page.getByRole('row', { name: new RegExp(email) });
  await expect(row).toContainText('Group Porters');
  await page.getByRole('button', { name: `Actions for ${email}` }).click();
  await page.getByRole('button', { name: 'Edit invitation' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit invitation' });
  const chosen = edit.getByRole('group', { name: 'Groups' });
  await expect(chosen.getByRole('checkbox', { name: 'Porters' })).toBeChecked();
  await chosen.getByRole('checkbox', { name: 'Front desk' }).check();
  await expect(edit.getByRole('note')).toContainText('Invite people is sensitive');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('Groups Front desk, Porters');

  // Accepted on a phone: the new member is in both.
  const invitee = await acceptOnPhone(browser, invitationLinkIn(await emailTo(email)));
  await invitee.context().close();

  await page.goto('/team');
  await hydrated(page);
  await page.getByRole('table', { name: 'Members of your organisation' }).getByRole('link', { name: 'Pat Porter' }).click();
  await hydrated(page);
  const theirs = page.getByRole('region', { name: 'Groups' }).getByRole('list', { name: 'Groups' });
  await expect(theirs.getByRole('listitem')).toHaveText([/Front desk/, /Porters/]);
});
