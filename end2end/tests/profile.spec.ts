import { Page } from '@playwright/test';
import { test, expect, hydrated, overflowX, signIn, signedIn } from './fixtures';

/** The password card: the two-factor card asks for the current password too. */
function passwordCard(page: Page) {
  return page.getByRole('region', { name: 'Password', exact: true });
}

// A 48 × 48 PNG, red over blue.
const PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAIAAADYYG7QAAAAO0lEQVR42u3OAQkAAAgDsAezP8ayhvDBAiw780qEhISEhISEhISEhITKQs8+KyQkJCQkJCQkJCQkVBY6EalAppKaaf4AAAAASUVORK5CYII=',
  'base64',
);

test('a member edits their details and picture on their profile page', async ({ page, org }) => {
  await signIn(page, org.member_email, org.password);
  // A member lands on their home, which leads to their profile.
  await expect(page.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await page.getByRole('link', { name: 'Your profile' }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
  await hydrated(page);
  expect(await overflowX(page)).toBeLessThanOrEqual(0);

  const phoneField = page.getByLabel('Phone');
  await expect(phoneField).toHaveAttribute('type', 'tel');
  await expect(phoneField).toHaveAttribute('autocomplete', 'tel');
  await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('autocomplete', 'name');
  await expect(passwordCard(page).getByLabel('Current password')).toHaveAttribute('autocomplete', 'current-password');

  // A mistake is shown beside its field, and the rest is kept.
  await page.getByLabel('Position').fill('Head of Sales');
  await phoneField.fill('call me');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.locator('#phone-error')).toHaveText(/6 to 15 digits/);
  await expect(phoneField).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Position')).toHaveValue('Head of Sales');
  await phoneField.fill('+44 20 7946 0958');
  await page.getByLabel('Name', { exact: true }).fill('Mia Márquez');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Profile saved.' })).toBeVisible();
  // The header follows the new name.
  await expect(page.getByRole('link', { name: /Mia Márquez/ })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Phone')).toHaveValue('+442079460958');

  // Not a picture: refused beside the file field.
  const file = page.getByLabel('Choose a picture');
  await expect(file).toHaveAttribute('accept', 'image/png,image/jpeg,image/webp');
  await file.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some text') });
  await page.getByRole('button', { name: 'Upload picture' }).click();
  await expect(page).toHaveURL(/avatar_error=format/);
  await expect(page.locator('#avatar-error')).toHaveText('That is not a PNG, JPEG or WebP picture.');

  await page.getByLabel('Choose a picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PICTURE });
  await page.getByRole('button', { name: 'Upload picture' }).click();
  await expect(page).toHaveURL(/avatar=saved/);
  await expect(page.getByRole('status').filter({ hasText: 'Picture saved.' })).toBeVisible();
  const avatar = page.locator('img.avatar');
  await expect(avatar).toHaveAttribute('src', /^\/avatars\/[0-9a-f-]+\?v=\d+$/);
  // Served re-encoded at 256 px, whatever was uploaded.
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);

  await hydrated(page);
  await page.getByRole('button', { name: 'Remove picture' }).click();
  await expect(page.locator('img.avatar')).toHaveCount(0);
  await expect(page.locator('span.avatar')).toHaveText('MM');
});

test("a member's picture shows in the team table and on their page", async ({ page, org, browser }) => {
  test.skip(test.info().project.name === 'phone', 'one upload is enough; the phone layout is checked in the test above');
  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await signIn(member, org.member_email, org.password);
  await expect(member.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await member.goto('/profile');
  await member.getByLabel('Choose a picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PICTURE });
  await member.getByRole('button', { name: 'Upload picture' }).click();
  await expect(member).toHaveURL(/avatar=saved/);
  await memberContext.close();

  await signedIn(page, org.admin_email, org.password);
  const row = page.getByRole('row', { name: /Mia Member/ });
  await expect.poll(() => row.locator('img.avatar').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  await row.getByRole('link', { name: 'Mia Member' }).click();
  await expect(page.getByRole('heading', { name: 'Mia Member' })).toBeVisible();
  await expect(page.locator('.member-head img.avatar')).toHaveAttribute('src', /^\/avatars\//);
});

test('changing the password needs the current one and signs out the other browser', async ({ page, org, browser }) => {
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signedIn(other, org.admin_email, org.password);

  await signedIn(page, org.admin_email, org.password);
  await page.goto('/profile');
  await hydrated(page);
  const newPassword = 'copper lantern orbit seventeen';
  await passwordCard(page).getByLabel('Current password').fill('not the password at all');
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#current_password-error')).toHaveText('That is not your current password.');

  await passwordCard(page).getByLabel('Current password').fill(org.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Password changed.' })).toContainText(
    'You were signed out of 1 other session.',
  );
  // The fields are emptied, and this browser stays signed in.
  await expect(passwordCard(page).getByLabel('Current password')).toHaveValue('');
  await page.goto('/team');
  await expect(page).toHaveURL(/\/team$/);

  await other.reload();
  await expect(other).toHaveURL(/\/login\?next=%2Fteam/);
  await signedIn(other, org.admin_email, newPassword);
  await otherContext.close();
});
