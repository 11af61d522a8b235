import { devices, Page } from '@playwright/test';
import { test, expect, acceptOnPhone, emailTo, hydrated, invite, openInvite, invitationLinkIn as linkIn, overflowX, phone, signedIn, uniqueEmail } from './fixtures';

async function openInvitationsTab(page: Page) {
  await page.goto('/team');
  await hydrated(page);
  await page.getByRole('navigation', { name: 'Team views' }).getByRole('link', { name: /^Invitations/ }).click();
  await expect(page).toHaveURL(/\/team\?tab=invitations$/);
  // The address changes at the click, the table once the tab's rows have
  // loaded: until then the Active tab's table (which lists open
  // invitations too) is still there, and a menu opened on it goes with it.
  await expect(page.getByRole('table', { name: 'Members of your organisation' })).toHaveCount(0);
}

test('an admin invites, the invitee accepts on a phone and is signed in', async ({ page: projectPage, org, browser }) => {
  test.skip(test.info().project.name === 'phone', 'the admin side runs once, on desktop; the invitee uses a phone context');
  // The narrow project checks the invitee at 360 px; its admin stays on a desktop.
  const page =
    test.info().project.name === 'phone-360'
      ? await (await browser.newContext(devices['Desktop Chrome'])).newPage()
      : projectPage;
  const email = uniqueEmail('ana');
  await signedIn(page, org.admin_email, org.password);
  await invite(page, email, 'Ana Lima');
  await page.getByRole('button', { name: 'Done' }).click();

  const message = await emailTo(email);
  expect(message.subject).toContain(org.name);
  expect(message.html).toContain('Accept the invitation');
  const link = linkIn(message);

  const invitee = await phone(browser);
  await invitee.goto(link);
  await hydrated(invitee);
  await expect(invitee.getByRole('heading', { name: `Join ${org.name}` })).toBeVisible();
  await expect(invitee.getByText(email)).toBeVisible();
  // No horizontal scroll on a phone.
  expect(await overflowX(invitee)).toBeLessThanOrEqual(0);
  await expect(invitee.getByLabel('Full name')).toHaveValue('Ana Lima');
  await invitee.getByLabel('Position').fill('Support lead');
  await invitee.getByLabel('Phone').fill('+44 20 7946 0958');
  await invitee.getByLabel('Password', { exact: true }).fill('violet lantern harbour seventeen');
  await invitee.getByLabel('Confirm password').fill('violet lantern harbour seventeen');
  const submit = invitee.getByRole('button', { name: 'Create account and join' });
  const box = await submit.boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
  await submit.click();
  await expect(invitee).toHaveURL(/\/welcome$/);
  await expect(invitee.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await invitee.context().close();

  await openInvitationsTab(page);
  await page.getByLabel('Status').selectOption({ label: 'All, including revoked and accepted' });
  await expect(page.getByRole('row', { name: new RegExp(email) })).toContainText('Accepted');
  await page.getByRole('navigation', { name: 'Team views' }).getByRole('link', { name: /^Active/ }).click();
  await expect(page.getByRole('row', { name: /Ana Lima/ })).toContainText('Enabled');
});

test('after a resend the old link shows the no-longer-valid page', async ({ page, org, browser }) => {
  const email = uniqueEmail('resend');
  await signedIn(page, org.admin_email, org.password);
  await invite(page, email, 'Rae Send');
  await page.getByRole('button', { name: 'Done' }).click();
  const first = linkIn(await emailTo(email));

  await openInvitationsTab(page);
  // The live refresh of the new invitation may redraw the row (and close
  // its menu) just after it opens: open it again until the choice is there.
  await expect(async () => {
    await page.getByRole('button', { name: `Actions for ${email}` }).click();
    await page.getByRole('button', { name: 'Resend invitation', exact: true }).click({ timeout: 2000 });
  }).toPass();
  const second = linkIn(await emailTo(email, 1));
  expect(second).not.toBe(first);

  await page.goto(first);
  await expect(page.getByRole('heading', { name: 'This invitation link is no longer valid' })).toBeVisible();
  // The admin is signed in as someone else: the new link says so...
  await page.goto(second);
  await expect(page.getByRole('heading', { name: 'This invitation is for another address' })).toBeVisible();
  // ...and opens for a browser that is not signed in.
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(second);
  await expect(invitee.getByRole('heading', { name: `Join ${org.name}` })).toBeVisible();
  await invitee.context().close();
});

test('a revoked link shows the no-longer-valid page', async ({ page, org }) => {
  const email = uniqueEmail('revoke');
  await signedIn(page, org.admin_email, org.password);
  await invite(page, email, 'Rev Oked');
  await page.getByRole('button', { name: 'Done' }).click();
  const link = linkIn(await emailTo(email));

  await openInvitationsTab(page);
  await page.getByRole('button', { name: `Actions for ${email}` }).click();
  await page.getByRole('button', { name: 'Revoke invitation', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke invitation?' });
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row', { name: new RegExp(email) })).toHaveCount(0);

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This invitation link is no longer valid' })).toBeVisible();
});

test('an expired link says so and what to do', async ({ page, org, request }) => {
  const email = uniqueEmail('late');
  await signedIn(page, org.admin_email, org.password);
  await invite(page, email, 'Lee Late');
  await page.getByRole('button', { name: 'Done' }).click();
  const link = linkIn(await emailTo(email));
  const expired = await request.post('/test-support/invitations/expire', { data: { email } });
  expect(expired.status()).toBe(204);

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This invitation has expired' })).toBeVisible();
  await expect(page.getByText(/new invitation/)).toBeVisible();
  await openInvitationsTab(page);
  await expect(page.getByRole('row', { name: new RegExp(email) })).toContainText('Expired');
});

test('an accepted link shows the already-accepted page', async ({ page, org, browser }) => {
  const email = uniqueEmail('twice');
  await signedIn(page, org.admin_email, org.password);
  await invite(page, email, 'Tom Twice');
  await page.getByRole('button', { name: 'Done' }).click();
  const link = linkIn(await emailTo(email));

  const invitee = await acceptOnPhone(browser, link, 'copper meadow lighthouse ninety');
  await invitee.context().close();

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This invitation has already been accepted' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test('Copy link puts the invitation link on the clipboard', async ({ page, org, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const email = uniqueEmail('copy');
  await signedIn(page, org.admin_email, org.password);
  await invite(page, email, 'Cory Copy');
  const confirmation = page.getByRole('dialog', { name: 'Invitation created' });
  const link = await confirmation.getByLabel('Invitation link').inputValue();
  expect(link).toMatch(/\/invite\?token=/);
  await confirmation.getByRole('button', { name: 'Copy link' }).click();
  await expect(confirmation.getByText('Copied')).toBeVisible();
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  expect(clipboard).toBe(link);
});

test('on a phone, someone signed in as another person gets a way to sign out, then the invitation', async ({ page, org }) => {
  test.skip(test.info().project.name !== 'phone', 'a phone page; the desktop run adds nothing');
  const email = uniqueEmail('elsewhere');
  // The admin's own phone: they invite someone, then open that person's link.
  await signedIn(page, org.admin_email, org.password);
  await invite(page, email, 'Ella Where');
  const link = await page.getByRole('dialog', { name: 'Invitation created' }).getByLabel('Invitation link').inputValue();

  // The narrowest phones in use.
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'This invitation is for another address' })).toBeVisible();
  await expect(page.getByText(org.admin_email)).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveCount(0);
  expect(await overflowX(page)).toBeLessThanOrEqual(0);
  const signOut = page.getByRole('button', { name: 'Sign out' });
  expect((await signOut.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  await page.screenshot({ path: test.info().outputPath('another-address-360.png'), fullPage: true });

  await signOut.click();
  await expect(page.getByRole('heading', { name: `Join ${org.name}` })).toBeVisible();
  await expect(page).toHaveURL(/\/invite\?token=/);
  await expect(page.getByText(email)).toBeVisible();
  await expect(page.getByLabel('Full name')).toHaveValue('Ella Where');
  expect(await overflowX(page)).toBeLessThanOrEqual(0);
  // Signed out for real: the team page asks to sign in.
  await page.goto('/team');
  await expect(page).toHaveURL(/\/login/);
});

test('an account made through the copied link is unverified until its holder follows the emailed verification link', async ({ page, org, browser }) => {
  test.skip(test.info().project.name === 'phone', 'the admin side runs once, on desktop; the invitee uses a phone context');
  const email = uniqueEmail('copied');
  await signedIn(page, org.admin_email, org.password);
  await invite(page, email, 'Cody Copied');
  const copied = await page.getByRole('dialog', { name: 'Invitation created' }).getByLabel('Invitation link').inputValue();
  await page.getByRole('button', { name: 'Done' }).click();
  // The email carries a different link.
  expect(linkIn(await emailTo(email))).not.toBe(copied);

  const invitee = await phone(browser);
  await invitee.goto(copied);
  await hydrated(invitee);
  // The same page for every address: both ways in are offered.
  await expect(invitee.getByText('I already have a Roster account')).toBeVisible();
  await invitee.getByLabel('Password', { exact: true }).fill('saffron kettle meadow ninety');
  await invitee.getByLabel('Confirm password').fill('saffron kettle meadow ninety');
  await invitee.getByRole('button', { name: 'Create account and join' }).click();
  await expect(invitee).toHaveURL(/\/welcome$/);

  await page.goto('/team');
  await hydrated(page);
  await expect(page.getByRole('row', { name: /Cody Copied/ })).toContainText('Email not verified');

  const message = await emailTo(email, 1);
  expect(message.subject).toBe('Verify your email address for Roster');
  const match = message.text.match(/https?:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+/);
  expect(match, 'the email carries the verification link').not.toBeNull();
  await invitee.goto((match as RegExpMatchArray)[0]);
  await hydrated(invitee);
  await expect(invitee.getByRole('heading', { name: 'Verify your email address' })).toBeVisible();
  expect(await overflowX(invitee)).toBeLessThanOrEqual(0);
  await invitee.getByRole('button', { name: 'Verify my email address' }).click();
  await expect(invitee.getByRole('heading', { name: 'Your email address is verified' })).toBeVisible();
  await invitee.context().close();

  // The admin's table loses the marker by itself (live refresh).
  await expect(page.getByRole('row', { name: /Cody Copied/ })).not.toContainText('Email not verified');
});

test('inviting an admin after a quarter of an hour asks to confirm it is you, then sends', async ({ page, org, request }) => {
  await signedIn(page, org.owner_email, org.password);
  // As if signed in 16 minutes ago: an Admin invitation hands out access.
  const aged = await request.post('/test-support/sessions/age-proof', { data: { email: org.owner_email } });
  expect(aged.status()).toBe(204);
  const email = uniqueEmail('new-admin');
  const dialog = await openInvite(page, email, 'Nia Newadmin');
  await dialog.getByLabel('Role', { exact: true }).selectOption({ label: 'Admin' });
  await dialog.getByRole('button', { name: 'Send invitation' }).click();

  const stepUp = page.getByRole('dialog', { name: "Confirm it's you" });
  await expect(stepUp).toBeVisible();
  await stepUp.getByLabel('Your password').fill(org.password);
  await stepUp.getByRole('button', { name: 'Confirm' }).click();
  await expect(stepUp).toBeHidden();
  // The form is sent once more, as filled in, and goes through.
  await expect(page.getByRole('dialog', { name: 'Invitation created' })).toBeVisible();
});
