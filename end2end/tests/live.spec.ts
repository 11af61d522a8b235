import { Browser, Page } from '@playwright/test';
import { test, expect, hydrated, signedIn, TestOrganisation } from './fixtures';

function membersTable(page: Page) {
  return page.getByRole('table', { name: 'Members of your organisation' });
}

function memberRow(page: Page, name: string) {
  return membersTable(page).getByRole('row', { name: new RegExp(name) });
}

/** Opens the row menu of `name` and picks `action`. */
async function act(page: Page, name: string, action: string) {
  await page.getByRole('button', { name: `Actions for ${name}` }).click();
  await memberRow(page, name).getByRole('button', { name: action, exact: true }).click();
}

/** Waits until the page's live stream is connected. */
async function live(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-team-live', 'open');
}

/**
 * The admin's own browser, signed in, on the team page with its live
 * stream open, and marked so that a reload would show. Signed in before
 * the owner: the owner's sign-in then reaches this table, not a menu the
 * owner is about to open.
 */
async function adminWatching(browser: Browser, org: TestOrganisation): Promise<Page> {
  const context = await browser.newContext();
  const admin = await context.newPage();
  await signedIn(admin, org.admin_email, org.password);
  await live(admin);
  await admin.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  return admin;
}

async function notReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
}

test("a change in one admin's browser appears in another admin's open table", async ({ page, org, browser }) => {
  const admin = await adminWatching(browser, org);
  await expect(memberRow(admin, 'Mia Member')).toContainText('Enabled');

  await signedIn(page, org.owner_email, org.password);
  await act(page, 'Mia Member', 'Change role');
  const roles = page.getByRole('dialog', { name: 'Change role for Mia Member' });
  await roles.getByLabel('Role').selectOption({ label: 'Admin' });
  await roles.getByRole('button', { name: 'Save role' }).click();
  await expect(roles).toBeHidden();

  await expect(memberRow(admin, 'Mia Member')).toContainText('Admin');

  // Right after its own change, the owner's table still takes clicks: the
  // stream's announcement of that change does not re-render it again.
  await act(page, 'Mia Member', 'Disable');
  const dialog = page.getByRole('dialog', { name: 'Disable Mia Member?' });
  await dialog.getByRole('button', { name: 'Disable' }).click();
  await expect(dialog).toBeHidden();

  // Disabled, she leaves the other admin's Active tab for the Inactive one.
  await expect(memberRow(admin, 'Mia Member')).toHaveCount(0);
  await expect(
    admin.getByRole('navigation', { name: 'Team views' }).getByRole('link', { name: 'Inactive (1)' }),
  ).toBeVisible();
  await notReloaded(admin);
  await admin.context().close();
});

test('a row menu left open stays open while a change elsewhere arrives', async ({ page, org, browser }) => {
  const admin = await adminWatching(browser, org);
  await admin.getByRole('button', { name: 'Actions for Mia Member' }).click();
  const menu = admin.getByRole('group', { name: 'Actions for Mia Member' });
  await expect(menu).toBeVisible();

  // The owner invites someone: a new row (and count) on the admin's
  // Active tab, nothing new on Mia's row.
  await signedIn(page, org.owner_email, org.password);
  const email = `live-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.getByRole('button', { name: 'Invite user' }).first().click();
  const invite = page.getByRole('dialog', { name: 'Invite user' });
  await invite.getByLabel('Email').fill(email);
  await invite.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('dialog', { name: 'Invitation created' })).toBeVisible();

  await expect(membersTable(admin).getByRole('row', { name: new RegExp(email) })).toBeVisible();
  // The refetch redrew only what changed: the menu is still open and works.
  await expect(menu).toBeVisible();
  await menu.getByRole('button', { name: 'Change role', exact: true }).click();
  await expect(admin.getByRole('dialog', { name: 'Change role for Mia Member' })).toBeVisible();
  await notReloaded(admin);
  await admin.context().close();
});

test("a row menu stays open while a change to its own row arrives", async ({ page, org, browser }) => {
  const admin = await adminWatching(browser, org);
  await admin.getByRole('button', { name: 'Actions for Mia Member' }).click();
  const menu = admin.getByRole('group', { name: 'Actions for Mia Member' });
  await expect(menu).toBeVisible();

  // The owner moves Mia to another department: her row is redrawn in the
  // admin's table, under the open menu.
  await signedIn(page, org.owner_email, org.password);
  await act(page, 'Mia Member', 'Change department');
  const departments = page.getByRole('dialog', { name: 'Change department for Mia Member' });
  await departments.getByLabel('Department').selectOption({ label: 'Customer Support' });
  await departments.getByRole('button', { name: 'Save department' }).click();
  await expect(departments).toBeHidden();

  await expect(memberRow(admin, 'Mia Member')).toContainText('Customer Support');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('button', { name: 'Change role', exact: true })).toBeFocused();
  await menu.getByRole('button', { name: 'Change role', exact: true }).click();
  await expect(admin.getByRole('dialog', { name: 'Change role for Mia Member' })).toBeVisible();
  await notReloaded(admin);
  await admin.context().close();
});

test("a member's open page shows changes made elsewhere, and their deletion", async ({ page, org, browser }) => {
  const admin = await adminWatching(browser, org);
  const href = await membersTable(admin).getByRole('link', { name: 'Mia Member' }).getAttribute('href');
  await admin.goto(href!);
  await hydrated(admin);
  await live(admin);
  await expect(admin.getByRole('heading', { name: 'Mia Member' })).toBeVisible();
  await expect(admin.getByRole('main')).toContainText('Enabled');
  await admin.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  await signedIn(page, org.owner_email, org.password);
  await act(page, 'Mia Member', 'Disable');
  await page.getByRole('dialog', { name: 'Disable Mia Member?' }).getByRole('button', { name: 'Disable' }).click();
  await expect(admin.getByRole('main')).toContainText('Disabled');

  // Disabled, she is on the owner's Inactive tab now.
  await page.getByRole('navigation', { name: 'Team views' }).getByRole('link', { name: /^Inactive/ }).click();
  await act(page, 'Mia Member', 'Delete');
  const dialog = page.getByRole('dialog', { name: 'Delete Mia Member?' });
  await dialog.getByLabel(`Type ${org.member_email} to confirm`).fill(org.member_email);
  await dialog.getByRole('button', { name: 'Delete permanently' }).click();

  await expect(admin.getByRole('heading', { name: 'This person is not a member of your organisation' })).toBeVisible();
  await notReloaded(admin);
  await admin.context().close();
});
