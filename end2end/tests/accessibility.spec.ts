// axe-core's WCAG 2.2 AA rules on every page: signed out, signed in as an
// owner, with the dialogs and menus open; the phone project repeats them
// on a phone. Any violation fails, with what axe found and where.
import AxeBuilder from '@axe-core/playwright';
import { Page } from '@playwright/test';
import { test, expect, emailTo, hydrated, invitationLinkIn, invite, phone, signedIn, uniqueEmail } from './fixtures';

async function scan(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(found, `axe on ${what}`).toEqual([]);
}

/** Opens `path`, waits for hydration, and scans it. */
async function visit(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
  await scan(page, path);
}

test('the signed-out pages have no accessibility violations', async ({ page }) => {
  for (const path of [
    '/login',
    '/forgot-password',
    '/forgot-password?sent',
    '/invite?token=not-a-token',
    '/reset-password?token=not-a-token',
    '/verify-email?token=not-a-token',
    '/no-such-page',
  ]) {
    await visit(page, path);
  }
  // Sent without script: nothing to wait for.
  await page.goto('/login/two-factor');
  await scan(page, '/login/two-factor');
});

test("an owner's pages, dialogs and menus have no accessibility violations", async ({ page, org }) => {
  // Fifteen pages and dialogs, each scanned in full.
  test.setTimeout(90_000);
  await signedIn(page, org.owner_email, org.password);
  await scan(page, '/team');
  await invite(page, uniqueEmail('axe'), 'Axel Ease');
  await scan(page, 'the invitation-created dialog');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Invite user' }).first().click();
  await expect(page.getByRole('dialog', { name: 'Invite user' })).toBeVisible();
  await page.getByRole('dialog', { name: 'Invite user' }).getByText('Customize permissions').click();
  await scan(page, 'the invite dialog, its permissions open');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Actions for Mia Member' }).click();
  await expect(page.getByRole('button', { name: 'Change role' })).toBeVisible();
  await scan(page, "a member's row menu");
  await page.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await scan(page, 'the change-role dialog');
  await page.keyboard.press('Escape');

  await visit(page, '/team?tab=inactive');
  await visit(page, '/team?tab=invitations');
  await visit(page, '/profile');
  await visit(page, '/settings/organisation');
  await visit(page, '/settings/roles');
  await page.getByRole('button', { name: 'Edit Admin' }).click();
  await expect(page.getByRole('region', { name: 'Edit Admin' })).toBeVisible();
  await scan(page, 'the role editor');
  await visit(page, '/settings/permissions');
  await page.getByRole('button', { name: 'New permission' }).click();
  await expect(page.getByRole('region', { name: 'New permission' })).toBeVisible();
  await scan(page, 'the permission editor');
  await visit(page, '/settings/departments');
  // With events in it: the invitation above is one.
  await visit(page, '/audit');
  await page.goto('/team');
  await hydrated(page);
  await page.getByRole('link', { name: 'Mia Member' }).click();
  await expect(page.getByRole('heading', { name: 'Mia Member' })).toBeVisible();
  await hydrated(page);
  await scan(page, "a member's page");
});

test("the invitee's open invitation and welcome page have no accessibility violations", async ({ page, org, browser }) => {
  const email = uniqueEmail('axe-invitee');
  await signedIn(page, org.admin_email, org.password);
  await invite(page, email, 'Ines Able');
  const invitee = await phone(browser);
  await invitee.goto(invitationLinkIn(await emailTo(email)));
  await hydrated(invitee);
  await expect(invitee.getByRole('heading', { name: `Join ${org.name}` })).toBeVisible();
  await scan(invitee, '/invite');
  await invitee.getByLabel('Password', { exact: true }).fill('silver tundra beacon forty');
  await invitee.getByLabel('Confirm password').fill('silver tundra beacon forty');
  await invitee.getByRole('button', { name: 'Create account and join' }).click();
  await expect(invitee).toHaveURL(/\/welcome$/);
  await hydrated(invitee);
  await scan(invitee, '/welcome');
  await invitee.context().close();
});
