import { Page } from '@playwright/test';
import { test, expect, emailsTo, emailTo, hydrated, overflowX, phone, resetLinkIn, RESET_SUBJECT, signIn, signedIn } from './fixtures';

/** Asks for a reset on the sign-in page's "Forgot password?" and returns the answer shown. */
async function forgotPassword(page: Page, email: string): Promise<string> {
  await page.goto('/login');
  await hydrated(page);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await hydrated(page);
  const field = page.getByLabel('Email');
  await expect(field).toHaveAttribute('type', 'email');
  await expect(field).toHaveAttribute('autocomplete', 'email');
  await field.fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  const answer = page.getByRole('status');
  await expect(answer).toBeVisible();
  return (await answer.textContent()) ?? '';
}

test('an admin sends a reset, the member sets a new password on a phone and signs in with it', async ({ page, org, browser }) => {
  test.skip(test.info().project.name === 'phone', 'the admin side runs once, on desktop; the member uses a phone context');
  await signedIn(page, org.admin_email, org.password);
  // The team table is being reworked: its row menu keeps this name.
  await page.getByRole('button', { name: 'Actions for Mia Member' }).click();
  await page.getByRole('button', { name: 'Send password reset', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Send a password reset to Mia Member?' });
  await expect(confirm).toContainText('it works once, for one hour');
  await expect(confirm).toContainText("you won't see the link or the new password");
  await confirm.getByRole('button', { name: 'Send reset email' }).click();
  const sent = page.getByRole('dialog', { name: 'Password reset sent' });
  await expect(sent).toContainText(org.member_email);
  await expect(sent).not.toContainText('token');
  await sent.getByRole('button', { name: 'Done' }).click();
  await expect(sent).toBeHidden();

  const message = await emailTo(org.member_email);
  expect(message.subject).toBe(RESET_SUBJECT);
  expect(message.text).toContain(`Adam Admin at ${org.name}`);
  const link = resetLinkIn(message);

  const member = await phone(browser);
  await member.goto(link);
  await hydrated(member);
  await expect(member.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await expect(member.getByText(org.member_email)).toBeVisible();
  expect(await overflowX(member)).toBeLessThanOrEqual(0);
  const password = member.getByLabel('New password', { exact: true });
  await expect(password).toHaveAttribute('autocomplete', 'new-password');
  await password.fill('short');
  // The same live strength hint as accepting an invitation.
  await expect(member.getByText('Use at least 15 characters. A few unrelated words make')).toBeVisible();
  await password.fill('quiet orchard lantern ninety');
  await member.getByLabel('Confirm new password').fill('quiet orchard lantern ninety');
  const save = member.getByRole('button', { name: 'Save new password' });
  expect((await save.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  await save.click();
  await expect(member.getByRole('heading', { name: 'Password changed' })).toBeVisible();
  expect(await overflowX(member)).toBeLessThanOrEqual(0);
  // Not signed in by the reset: the person signs in themselves.
  await member.getByRole('link', { name: 'Sign in' }).click();
  await expect(member).toHaveURL(/\/login$/);

  await signIn(member, org.member_email, org.password);
  await expect(member.getByText('The email or password is incorrect.')).toBeVisible();
  await signIn(member, org.member_email, 'quiet orchard lantern ninety');
  await expect(member.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await member.context().close();

  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This link has already been used' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();
});

test('forgot password answers the same for an unknown email, and sends only to the known one', async ({ page, org }) => {
  const unknown = `nobody-${Date.now()}-${Math.floor(Math.random() * 1e6)}@unknown.example`;
  const forUnknown = await forgotPassword(page, unknown);
  const forKnown = await forgotPassword(page, org.member_email);
  expect(forKnown).toContain("If an account exists for that address, we've sent a link");
  expect(forUnknown).toBe(forKnown);
  expect(await overflowX(page)).toBeLessThanOrEqual(0);

  const message = await emailTo(org.member_email);
  expect(message.subject).toBe(RESET_SUBJECT);
  expect(message.text).toContain('You asked to reset the password');
  expect(await emailsTo(unknown)).toHaveLength(0);
});
