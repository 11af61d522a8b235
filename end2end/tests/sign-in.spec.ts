import { test, expect, hydrated, signIn } from './fixtures';

test('an owner signs in and sees the team', async ({ page, org }) => {
  await signIn(page, org.owner_email, org.password);
  await expect(page).toHaveURL(/\/team$/);
  await expect(page.getByRole('heading', { name: 'Team' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Members of your organisation' });
  await expect(table.getByRole('row', { name: /Olive Owner/ })).toContainText(org.owner_email);
  await expect(table.getByRole('row', { name: /Mia Member/ })).toContainText('Member');
  await expect(page.getByRole('banner')).toContainText(org.name);
});

test('a wrong password is refused with a clear message', async ({ page, org }) => {
  await signIn(page, org.owner_email, 'not the password at all');
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  await expect(page).toHaveURL(/\/login/);
});

test('an unknown email gets the same message as a wrong password', async ({ page }) => {
  await signIn(page, `nobody-${Date.now()}@test.roster.example`, 'whatever password');
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
});

test('signing out ends the session, and the old cookie no longer works', async ({ page, org, browser }) => {
  await signIn(page, org.admin_email, org.password);
  await expect(page.getByRole('heading', { name: 'Team' })).toBeVisible();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'roster_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);

  // Replaying the old cookie in a fresh browser gets the sign-in page.
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  await again.goto('/team');
  await expect(again).toHaveURL(/\/login\?next=%2Fteam/);
  await replay.close();
});

test('a signed-out visitor is sent to sign in, and back after', async ({ page, org }) => {
  await page.goto('/team');
  await expect(page).toHaveURL(/\/login\?next=%2Fteam/);
  await hydrated(page);
  await page.getByLabel('Email').fill(org.owner_email);
  await page.getByLabel('Password').fill(org.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Team' })).toBeVisible();
});

test('a Member lands on their home, and the team page says it is not theirs', async ({ page, org }) => {
  await signIn(page, org.member_email, org.password);
  await expect(page).toHaveURL(/\/welcome$/);
  await expect(page.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await page.goto('/team');
  await expect(page.getByRole('heading', { name: "You don't have access to the team page" })).toBeVisible();
  await page.getByRole('link', { name: 'Go to your home page' }).click();
  await expect(page.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
});

test('the sign-in page fits a phone screen without sideways scrolling', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  // Against the device's width: a phone browser widens its layout viewport
  // to fit content that overflows, so innerWidth would hide it.
  const overflow =
    (await page.evaluate(() => document.documentElement.scrollWidth)) - (page.viewportSize()?.width ?? 0);
  expect(overflow).toBeLessThanOrEqual(0);
  const button = await page.getByRole('button', { name: 'Sign in' }).boundingBox();
  expect(button?.height ?? 0).toBeGreaterThanOrEqual(44);
});
