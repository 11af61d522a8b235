// The invitee's forms, with JavaScript off: on a slow phone people tap
// before the page has hydrated, and a plain HTML form must do the same.
import {
  test,
  expect,
  emailTo,
  invitationLinkIn,
  invite,
  overflowX,
  phone,
  resetLinkIn,
  RESET_SUBJECT,
  signedIn,
  uniqueEmail,
} from './fixtures';

test.use({ javaScriptEnabled: false });

test('without JavaScript, a person signs in and reaches the team', async ({ page, org }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(org.admin_email);
  await page.getByLabel('Password').fill(org.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/team$/);
  await expect(page.getByRole('heading', { name: 'Team' })).toBeVisible();
});

test('without JavaScript, a wrong password comes back to the form with its message, once', async ({ page, org }) => {
  await page.goto('/login?next=%2Fteam');
  await page.getByLabel('Email').fill(org.admin_email);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fteam&__path=/);
  await expect(page.getByRole('alert').filter({ hasText: 'The email or password is incorrect.' })).toBeVisible();
  // The message was for that post: opened again, the address is the form's.
  await page.reload();
  await expect(page).toHaveURL(/\/login\?next=%2Fteam$/);
  await expect(page.getByText('The email or password is incorrect.')).toHaveCount(0);
  // And the form still works.
  await page.getByLabel('Email').fill(org.admin_email);
  await page.getByLabel('Password').fill(org.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/team$/);
});

test('without JavaScript, an invitee accepts on a phone and lands on the welcome page', async ({ browser, org }) => {
  // The admin invites with JavaScript on; the invitee's phone has it off.
  const admin = await (await browser.newContext({ javaScriptEnabled: true })).newPage();
  const email = uniqueEmail('nojs');
  await signedIn(admin, org.admin_email, org.password);
  await invite(admin, email, 'Noor Jasper');
  await admin.context().close();
  const link = invitationLinkIn(await emailTo(email));

  const invitee = await phone(browser, { javaScriptEnabled: false });
  await invitee.goto(link);
  await expect(invitee.getByRole('heading', { name: `Join ${org.name}` })).toBeVisible();
  expect(await overflowX(invitee)).toBeLessThanOrEqual(0);
  await expect(invitee.getByLabel('Full name')).toHaveValue('Noor Jasper');
  // A refused post comes back to the form, the message beside its field.
  await invitee.getByLabel('Password', { exact: true }).fill('amber kettle meadow thirteen');
  await invitee.getByLabel('Confirm password').fill('amber kettle meadow fourteen');
  await invitee.getByRole('button', { name: 'Create account and join' }).click();
  await expect(invitee.getByLabel('Confirm password')).toHaveAccessibleDescription("The two passwords don't match.");
  await invitee.getByLabel('Password', { exact: true }).fill('amber kettle meadow thirteen');
  await invitee.getByLabel('Confirm password').fill('amber kettle meadow thirteen');
  await invitee.getByRole('button', { name: 'Create account and join' }).click();
  await expect(invitee).toHaveURL(/\/welcome$/);
  await expect(invitee.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await invitee.context().close();
});

test('without JavaScript, "Send reset link" sends, and the link sets a new password', async ({ browser, org }) => {
  const member = await phone(browser, { javaScriptEnabled: false });
  await member.goto('/forgot-password');
  await member.getByLabel('Email').fill(org.member_email);
  await member.getByRole('button', { name: 'Send reset link' }).click();
  await expect(member).toHaveURL(/\/forgot-password\?sent$/);
  await expect(member.getByRole('status')).toContainText("If an account exists for that address, we've sent a link");
  const message = await emailTo(org.member_email);
  expect(message.subject).toBe(RESET_SUBJECT);

  await member.goto(resetLinkIn(message));
  await expect(member.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await member.getByLabel('New password', { exact: true }).fill('copper lantern orchard twelve');
  await member.getByLabel('Confirm new password').fill('copper lantern orchard twelve');
  await member.getByRole('button', { name: 'Save new password' }).click();
  await expect(member.getByRole('heading', { name: 'Password changed' })).toBeVisible();
  await member.getByRole('link', { name: 'Sign in' }).click();
  await member.getByLabel('Email').fill(org.member_email);
  await member.getByLabel('Password').fill('copper lantern orchard twelve');
  await member.getByRole('button', { name: 'Sign in' }).click();
  await expect(member.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await member.context().close();
});
