// Two-factor sign-in with an authenticator app: set up on the profile
// page (the test computes codes from the key the page shows, as an app
// does), then signing in with a code and with a recovery code.
import { createHmac } from 'node:crypto';
import { Locator, Page } from '@playwright/test';
import { test, expect, createOrganisation, emailTo, emailsTo, hydrated, invitationLinkIn, invite, overflowX, signIn, signedIn } from './fixtures';

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text.replace(/\s/g, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The code of the 30-second step `stepsAhead` after now (RFC 6238). */
function totp(secret: Buffer, stepsAhead = 0): string {
  const step = Math.floor(Date.now() / 30_000) + stepsAhead;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', secret).update(message).digest();
  const offset = digest[19] & 0x0f;
  const number =
    (((digest[offset] & 0x7f) << 24) | (digest[offset + 1] << 16) | (digest[offset + 2] << 8) | digest[offset + 3]) %
    1_000_000;
  return String(number).padStart(6, '0');
}

async function signOut(page: Page) {
  await page.goto('/welcome');
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/** Signs in with the password and stops at the factor step. */
async function passwordStep(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/two-factor$/);
  await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
}

test('a member sets up an authenticator, then signs in with a code and with a recovery code', async ({ page, org }) => {
  await signIn(page, org.member_email, org.password);
  await expect(page).toHaveURL(/\/welcome$/);
  await page.goto('/profile');
  await hydrated(page);
  const card = page.getByRole('region', { name: 'Two-factor sign-in' });
  await expect(card.getByText(/^Off\./)).toBeVisible();

  // The password first, beside its field when wrong.
  await card.getByLabel('Current password').fill('not my password at all');
  await card.getByRole('button', { name: 'Set up authenticator app' }).click();
  await expect(card.getByText('That is not your current password.')).toBeVisible();
  await card.getByLabel('Current password').fill(org.password);
  await card.getByRole('button', { name: 'Set up authenticator app' }).click();

  await expect(card.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const key = (await card.getByLabel('Setup key').textContent()) ?? '';
  expect(key).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  const secret = base32Decode(key);
  const code = card.getByLabel('Code from the app');
  await expect(code).toHaveAttribute('inputmode', 'numeric');
  await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
  await code.fill('000000');
  await card.getByRole('button', { name: 'Turn on' }).click();
  await expect(card.getByText(/That code is not right/)).toBeVisible();
  await code.fill(totp(secret));
  await card.getByRole('button', { name: 'Turn on' }).click();

  // Recovery codes, once, with a file to keep them in.
  const list = card.getByRole('list', { name: 'Recovery codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = await list.getByRole('listitem').allTextContents();
  for (const c of codes) expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
  const download = card.getByRole('link', { name: 'Download codes' });
  await expect(download).toHaveAttribute('download', 'roster-recovery-codes.txt');
  expect(decodeURIComponent((await download.getAttribute('href')) ?? '')).toContain(codes[0]);
  await closeRecoveryCodes(card);
  await expect(card.getByText('You have 10 recovery codes left.')).toBeVisible();
  await expect(card.getByText(/^On\./)).toBeVisible();
  // The key has left the page.
  await expect(page.getByText(key)).toHaveCount(0);
  expect(await overflowX(page)).toBeLessThanOrEqual(0);

  // Signing in now takes a code. The factor step is a page with no script.
  await signOut(page);
  await passwordStep(page, org.member_email, org.password);
  // No bundle: nothing preloaded, no module to start one.
  await expect(page.locator('link[rel="modulepreload"], script[type="module"], script[src]')).toHaveCount(0);
  expect(await overflowX(page)).toBeLessThanOrEqual(0);
  const field = page.getByLabel('Authenticator code');
  await expect(field).toHaveAttribute('autocomplete', 'one-time-code');
  await field.fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.locator('#code-error')).toHaveText(/That code is not right/);
  // The setup used this step's code: the next step's is the one to use.
  await page.getByLabel('Authenticator code').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/welcome$/);
  await expect(page.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();

  // And with a recovery code, once.
  await signOut(page);
  await passwordStep(page, org.member_email, org.password);
  await page.getByText('Use a recovery code').click();
  await page.getByLabel('Recovery code').fill(codes[0].toUpperCase());
  await page.getByRole('button', { name: 'Sign in with recovery code' }).click();
  await expect(page).toHaveURL(/\/welcome$/);
  await page.goto('/profile');
  await hydrated(page);
  await expect(card.getByText('You have 9 recovery codes left.')).toBeVisible();

  await signOut(page);
  await passwordStep(page, org.member_email, org.password);
  await page.getByText('Use a recovery code').click();
  await page.getByLabel('Recovery code').fill(codes[0]);
  await page.getByRole('button', { name: 'Sign in with recovery code' }).click();
  await expect(page.locator('#recovery_code-error')).toHaveText(/already used/);
});

/** Turns on two-factor sign-in from the profile page, as the first test
 * does step by step; returns the key the app would hold. */
async function turnOnAuthenticator(page: Page, password: string): Promise<Buffer> {
  await page.goto('/profile');
  await hydrated(page);
  const card = page.getByRole('region', { name: 'Two-factor sign-in' });
  await card.getByLabel('Current password').fill(password);
  await card.getByRole('button', { name: 'Set up authenticator app' }).click();
  const secret = base32Decode((await card.getByLabel('Setup key').textContent()) ?? '');
  await card.getByLabel('Code from the app').fill(totp(secret));
  await card.getByRole('button', { name: 'Turn on' }).click();
  await closeRecoveryCodes(card);
  return secret;
}

/** Says the recovery codes are saved. Turning the factor on reloads the
 * profile page's data while the codes show, and the page's new render
 * replaces the old one: a click landing in that swap reaches a node that
 * is leaving the page, so it is tried again until the card says "On". */
async function closeRecoveryCodes(card: Locator): Promise<void> {
  const saved = card.getByRole('button', { name: 'I saved them' });
  await expect(async () => {
    if (await saved.isVisible()) await saved.click();
    await expect(card.getByText(/^On\./)).toBeVisible({ timeout: 1_000 });
  }).toPass();
}

test("an admin resets a member's lost factor after confirming it is them", async ({ page, org, browser, request }) => {
  await signIn(page, org.member_email, org.password);
  await expect(page).toHaveURL(/\/welcome$/);
  await turnOnAuthenticator(page, org.password);
  const noticesBefore = (await emailsTo(org.member_email)).length;

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signedIn(admin, org.admin_email, org.password);
  // As if the admin signed in 16 minutes ago.
  const aged = await request.post('/test-support/sessions/age-proof', { data: { email: org.admin_email } });
  expect(aged.status()).toBe(204);
  await admin.getByRole('link', { name: 'Mia Member' }).click();
  await expect(admin.getByRole('heading', { name: 'Mia Member' })).toBeVisible();
  const facts = admin.getByRole('definition').filter({ hasText: /Authenticator app|Not set up/ });
  await expect(facts).toHaveText(/Authenticator app, added/);
  await admin.getByRole('button', { name: 'Reset two-factor' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Reset two-factor sign-in for Mia Member?' });
  await expect(dialog.getByText('ends every session of theirs at once;')).toBeVisible();
  await dialog.getByRole('button', { name: 'Reset two-factor' }).click();

  const stepUp = admin.getByRole('dialog', { name: "Confirm it's you" });
  await stepUp.getByLabel('Your password').fill(org.password);
  await stepUp.getByRole('button', { name: 'Confirm' }).click();
  await expect(stepUp).toBeHidden();
  await expect(dialog).toBeHidden();
  // The page follows the change by itself, and the button is gone.
  await expect(facts).toHaveText('Not set up');
  await expect(admin.getByRole('button', { name: 'Reset two-factor' })).toHaveCount(0);
  await adminContext.close();

  const notice = await emailTo(org.member_email, noticesBefore);
  expect(notice.subject).toBe('Two-factor sign-in was reset for your Roster account');
  // Mia's session ended; her password alone signs her in again.
  await page.goto('/profile');
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, org.member_email, org.password);
  await expect(page).toHaveURL(/\/welcome$/);
});

test('an owner requires two-factor for everyone with no grace, and a member is taken to set it up at their next sign-in', async ({ page, org, browser }) => {
  // An owner with no factor may not shut themselves out: they set one up first.
  await signIn(page, org.owner_email, org.password);
  await expect(page).toHaveURL(/\/team$/);
  await turnOnAuthenticator(page, org.password);
  await page.goto('/settings/organisation');
  await hydrated(page);
  const policy = page.getByRole('region', { name: 'Two-factor sign-in' });
  await policy.getByRole('radio', { name: 'Required for everyone' }).check();
  await policy.getByLabel('Days to set it up').fill('0');
  await policy.getByRole('button', { name: 'Save two-factor policy' }).click();
  await expect(policy.getByText('Two-factor policy saved.')).toBeVisible();

  // The team table shows who is out of policy, and filters on it.
  await page.goto('/team?two_factor=required');
  await hydrated(page);
  const table = page.getByRole('table', { name: 'Members of your organisation' });
  await expect(table.getByRole('row', { name: /Mia Member/ })).toContainText('Required: overdue');
  await expect(table.getByRole('row', { name: /Olive Owner/ })).toHaveCount(0);

  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await signIn(member, org.member_email, org.password);
  await expect(member).toHaveURL(/\/profile#two-factor$/);
  const card = member.getByRole('region', { name: 'Two-factor sign-in' });
  await expect(card.getByRole('note')).toHaveText(/Set it up to continue/);
  expect(await overflowX(member)).toBeLessThanOrEqual(0);
  // Every other page sends them back here.
  for (const path of ['/welcome', '/team']) {
    await member.goto(path);
    await expect(member).toHaveURL(/\/profile#two-factor$/);
  }
  await turnOnAuthenticator(member, org.password);
  await member.goto('/welcome');
  await expect(member.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await expect(member.getByRole('note')).toHaveCount(0);
  await memberContext.close();
});

test('switching organisation takes the factor step when the account has one', async ({ page, org, browser, request }) => {
  // A second organisation invites the member, who joins with their password.
  const second = await createOrganisation(request);
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signedIn(owner, second.owner_email, second.password);
  await invite(owner, org.member_email, 'Mia Member');
  await ownerContext.close();
  await page.goto(invitationLinkIn(await emailTo(org.member_email)));
  await hydrated(page);
  await page.getByText('I already have a Roster account').click();
  await page.getByLabel('Your Roster password').fill(org.password);
  await page.getByRole('button', { name: 'Accept and sign in' }).click();
  await expect(page.getByRole('heading', { name: `Welcome to ${second.name}` })).toBeVisible();
  const secret = await turnOnAuthenticator(page, org.password);

  // Switching back to the first organisation asks for a code first.
  await page.goto('/welcome');
  await page.getByRole('button', { name: `Switch to ${org.name}` }).click();
  await expect(page).toHaveURL(/\/login\/two-factor$/);
  await page.getByLabel('Authenticator code').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/welcome$/);
  await expect(page.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
});
