// The home a person lands on after joining, or after signing in without
// access to the team: who and where they are, and their ways on.
import { test, expect, emailTo, hydrated, invitationLinkIn, invite, overflowX, phone, signedIn } from './fixtures';

/** A unique address of exactly 60 characters. */
function sixtyCharacterEmail(): string {
  const tag = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const domain = '@invitee.example';
  return `home.${tag}.`.padEnd(60 - domain.length, 'x') + domain;
}

test('an invitee with a long address joins on a phone, lands on their home, reaches the product, profile and sign-out', async ({ page, org, browser }) => {
  // The owner says where members go next.
  await signedIn(page, org.owner_email, org.password);
  await page.goto('/settings/organisation');
  await hydrated(page);
  await page.getByLabel("Your product's address").fill('https://app.example.com/start');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  // And that everyone sets up two-factor sign-in within a week.
  const policy = page.getByRole('region', { name: 'Two-factor sign-in' });
  await policy.getByRole('radio', { name: 'Required for everyone' }).check();
  await policy.getByLabel('Days to set it up').fill('7');
  await policy.getByRole('button', { name: 'Save two-factor policy' }).click();
  await expect(policy.getByText('Two-factor policy saved.')).toBeVisible();

  const email = sixtyCharacterEmail();
  expect(email).toHaveLength(60);
  await invite(page, email, 'Hana Home');
  const invitee = await phone(browser);
  await invitee.goto(invitationLinkIn(await emailTo(email)));
  await hydrated(invitee);
  await invitee.getByLabel('Password', { exact: true }).fill('harbour violet lantern sixty');
  await invitee.getByLabel('Confirm password').fill('harbour violet lantern sixty');
  await invitee.getByRole('button', { name: 'Create account and join' }).click();

  await expect(invitee).toHaveURL(/\/welcome$/);
  await expect(invitee.getByRole('heading', { name: `Welcome to ${org.name}` })).toBeVisible();
  await hydrated(invitee);
  await expect(invitee.getByText(email)).toBeVisible();
  expect(await overflowX(invitee)).toBeLessThanOrEqual(0);
  const product = invitee.getByRole('link', { name: 'Continue to app.example.com' });
  await expect(product).toHaveAttribute('href', 'https://app.example.com/start');
  for (const way of [product, invitee.getByRole('link', { name: 'Your profile' }), invitee.getByRole('button', { name: 'Sign out' })]) {
    expect((await way.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  }
  await expect(invitee.getByRole('link', { name: 'Go to the team' })).toHaveCount(0);
  // The requirement, its deadline (a week from joining) and the way to it.
  await expect(invitee.getByRole('note')).toContainText('Your organisation requires two-factor sign-in. Set up an authenticator app by');
  const setUp = invitee.getByRole('link', { name: 'Set up two-factor sign-in' });
  await expect(setUp).toHaveAttribute('href', '/profile#two-factor');
  expect((await setUp.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);

  await invitee.getByRole('link', { name: 'Your profile' }).click();
  await expect(invitee.getByRole('heading', { name: 'Your profile' })).toBeVisible();
  await invitee.goBack();
  await hydrated(invitee);
  await invitee.getByRole('button', { name: 'Sign out' }).click();
  await expect(invitee).toHaveURL(/\/login$/);
  // Signed out: the home sends them to sign in.
  await invitee.goto('/welcome');
  await expect(invitee).toHaveURL(/\/login\?next=%2Fwelcome$/);
  await invitee.context().close();
});
