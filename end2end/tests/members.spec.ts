import { Page } from '@playwright/test';
import { test, expect, hydrated, signIn, signedIn } from './fixtures';

function membersTable(page: Page) {
  return page.getByRole('table', { name: 'Members of your organisation' });
}

/** Opens the row menu of `name` and picks `action`. */
async function act(page: Page, name: string, action: string) {
  await page.getByRole('button', { name: `Actions for ${name}` }).click();
  await membersTable(page)
    .getByRole('row', { name: new RegExp(name) })
    .getByRole('button', { name: action, exact: true })
    .click();
}

test('disabling a member sends their open session to sign-in on its next action', async ({ page, org, browser }) => {
  // The member, signed in in their own browser.
  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await signIn(member, org.member_email, org.password);
  await expect(member.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await member.goto('/team');
  await expect(member.getByRole('heading', { name: "You don't have access to the team page" })).toBeVisible();
  await hydrated(member);

  await signedIn(page, org.admin_email, org.password);
  await act(page, 'Mia Member', 'Disable');
  const dialog = page.getByRole('dialog', { name: 'Disable Mia Member?' });
  await expect(dialog).toContainText('loses access at once');
  await dialog.getByRole('button', { name: 'Disable' }).click();
  await expect(dialog).toBeHidden();
  // Disabled members leave the Active tab for the Inactive one.
  await expect(membersTable(page).getByRole('row', { name: /Mia Member/ })).toHaveCount(0);
  const tabs = page.getByRole('navigation', { name: 'Team views' });
  await expect(tabs.getByRole('link', { name: 'Inactive (1)' })).toBeVisible();
  await tabs.getByRole('link', { name: /^Inactive/ }).click();
  await expect(membersTable(page).getByRole('row', { name: /Mia Member/ })).toContainText('Disabled');

  // Their next request finds the session gone.
  await member.reload();
  await expect(member).toHaveURL(/\/login\?next=%2Fteam/);
  await memberContext.close();

  // And the admin can let them back in.
  await act(page, 'Mia Member', 'Enable');
  await page.getByRole('dialog', { name: 'Enable Mia Member?' }).getByRole('button', { name: 'Enable' }).click();
  await expect(membersTable(page).getByRole('row', { name: /Mia Member/ })).toHaveCount(0);
  await tabs.getByRole('link', { name: /^Active/ }).click();
  await expect(membersTable(page).getByRole('row', { name: /Mia Member/ })).toContainText('Enabled');
});

test('deleting a member needs their email typed', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await act(page, 'Mia Member', 'Delete');
  const dialog = page.getByRole('dialog', { name: 'Delete Mia Member?' });
  await expect(dialog).toContainText('cannot be undone');
  const confirm = dialog.getByLabel(`Type ${org.member_email} to confirm`);
  await confirm.fill('mia@somewhere.else');
  await dialog.getByRole('button', { name: 'Delete permanently' }).click();
  await expect(dialog.getByText(`Type ${org.member_email} exactly to confirm.`)).toBeVisible();
  await expect(confirm).toHaveAttribute('aria-invalid', 'true');

  await confirm.fill(org.member_email);
  await dialog.getByRole('button', { name: 'Delete permanently' }).click();
  await expect(dialog).toBeHidden();
  await expect(membersTable(page).getByRole('row', { name: /Mia Member/ })).toHaveCount(0);
});

test('deleting a member after a quarter of an hour asks to confirm it is you, then deletes', async ({ page, org, request }) => {
  await signedIn(page, org.owner_email, org.password);
  // As if signed in 16 minutes ago.
  const aged = await request.post('/test-support/sessions/age-proof', { data: { email: org.owner_email } });
  expect(aged.status()).toBe(204);
  await act(page, 'Mia Member', 'Delete');
  const dialog = page.getByRole('dialog', { name: 'Delete Mia Member?' });
  await dialog.getByLabel(`Type ${org.member_email} to confirm`).fill(org.member_email);
  await dialog.getByRole('button', { name: 'Delete permanently' }).click();

  const stepUp = page.getByRole('dialog', { name: "Confirm it's you" });
  await expect(stepUp).toBeVisible();
  const password = stepUp.getByLabel('Your password');
  await expect(password).toBeFocused();
  await password.fill('not the password');
  await stepUp.getByRole('button', { name: 'Confirm' }).click();
  await expect(stepUp.getByText('That is not your current password.')).toBeVisible();
  await password.fill(org.password);
  await stepUp.getByRole('button', { name: 'Confirm' }).click();

  // The delete is tried once more, and goes through.
  await expect(stepUp).toBeHidden();
  await expect(dialog).toBeHidden();
  await expect(membersTable(page).getByRole('row', { name: /Mia Member/ })).toHaveCount(0);
});

test('the only owner cannot step down, and is told what to do instead', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await act(page, 'Olive Owner', 'Change role');
  const dialog = page.getByRole('dialog', { name: 'Change role for Olive Owner' });
  await dialog.getByLabel('Role').selectOption({ label: 'Member' });
  await dialog.getByRole('button', { name: 'Save role' }).click();
  await expect(dialog.getByRole('alert')).toContainText("the organisation's only enabled owner");
  await expect(dialog.getByRole('alert')).toContainText('Make someone else an owner first');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(membersTable(page).getByRole('row', { name: /Olive Owner/ })).toContainText('Owner');

  // Making someone else an owner is the way out.
  await act(page, 'Adam Admin', 'Change role');
  const promote = page.getByRole('dialog', { name: 'Change role for Adam Admin' });
  await promote.getByLabel('Role').selectOption({ label: 'Owner' });
  await promote.getByRole('button', { name: 'Save role' }).click();
  await expect(promote).toBeHidden();
  await expect(membersTable(page).getByRole('row', { name: /Adam Admin/ })).toContainText('Owner');
});

test('a row menu is reachable by keyboard and closes on Escape', async ({ page, org }) => {
  await signedIn(page, org.admin_email, org.password);
  const button = page.getByRole('button', { name: 'Actions for Mia Member' });
  const row = membersTable(page).getByRole('row', { name: /Mia Member/ });
  const firstAction = row.getByRole('button', { name: 'Change role', exact: true });
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(firstAction).toBeVisible();
  // The menu follows its button in the tab order.
  await page.keyboard.press('Tab');
  await expect(firstAction).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(firstAction).toBeHidden();
  await expect(button).toBeFocused();
});

test('the team page fits the screen on both tabs without sideways scrolling', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.getByRole('button', { name: 'Invite user' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Invite user' });
  // A long address with few places to break it.
  const invitee = `wide-${Date.now()}-${Math.floor(Math.random() * 1e6)}@invitee.example`;
  await dialog.getByLabel('Email').fill(invitee);
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: invitee })).toBeVisible();
  // Against the device's width, not innerWidth: a phone browser widens its
  // layout viewport to fit content that overflows. And no table scrolls
  // sideways inside its frame, hiding the row menus.
  const width = page.viewportSize()?.width ?? 0;
  const overflow = async () =>
    page.evaluate(
      (width) =>
        Math.max(
          document.documentElement.scrollWidth - width,
          ...[...document.querySelectorAll('.table-wrap')].map((wrap) => wrap.scrollWidth - wrap.clientWidth),
        ),
      width,
    );
  expect(await overflow()).toBeLessThanOrEqual(0);
  await page.getByRole('navigation', { name: 'Team views' }).getByRole('link', { name: /^Invitations/ }).click();
  await expect(page.getByRole('table', { name: 'Invitations' })).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
});

test("a member's page shows who they are and offers the same changes", async ({ page, org }) => {
  await signedIn(page, org.admin_email, org.password);
  await membersTable(page).getByRole('link', { name: 'Mia Member' }).click();
  await expect(page).toHaveURL(/\/team\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Mia Member' })).toBeVisible();
  await expect(page.getByText(org.member_email)).toBeVisible();
  await expect(page.getByText('Enabled', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Disable', exact: true }).click();
  await page.getByRole('dialog', { name: 'Disable Mia Member?' }).getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByText('Disabled', { exact: true })).toBeVisible();
  const history = page.getByRole('table', { name: 'Recent activity' });
  await expect(history.getByRole('row', { name: /Disabled Mia Member/ })).toContainText('Adam Admin');
  // A disabled member offers Enable instead.
  await expect(page.getByRole('button', { name: 'Enable', exact: true })).toBeVisible();
});
