// The home a person lands on after joining, or after signing in without
// access to the team: who and where they are, and their ways on.
import { test, expect, createOrganisation, emailTo, hydrated, invitationLinkIn, invite, overflowX, phone, signedIn } from './fixtures';

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

test('someone with an account joins a second organisation with its password, then switches between the two from the home and from the header', async ({ page, org, browser, request }) => {
  // The second organisation invites the first one's admin.
  const second = await createOrganisation(request);
  await signedIn(page, second.owner_email, second.password);
  await invite(page, org.admin_email, 'Ada Both');

  const person = await phone(browser);
  await person.goto(invitationLinkIn(await emailTo(org.admin_email)));
  await hydrated(person);
  await person.getByText('I already have a Roster account').click();
  // Its own label: the new account's password field is on the page too.
  await person.getByLabel('Your Roster password').fill(org.password);
  await person.getByRole('button', { name: 'Accept and sign in' }).click();

  // A member there, without the team: their home, which offers the other.
  await expect(person).toHaveURL(/\/welcome$/);
  await expect(person.getByRole('heading', { name: `Welcome to ${second.name}` })).toBeVisible();
  await hydrated(person);
  const others = person.getByRole('form', { name: 'Your other organisations' });
  await expect(others.getByRole('button')).toHaveText([`Switch to ${org.name}`]);
  expect(await overflowX(person)).toBeLessThanOrEqual(0);
  await others.getByRole('button', { name: `Switch to ${org.name}` }).click();

  // An admin in the first: its team, and the header's switcher back.
  await expect(person).toHaveURL(/\/team$/);
  await hydrated(person);
  await expect(person.getByRole('table', { name: 'Members of your organisation' })).toBeVisible();
  await person.getByLabel(`${org.name}: switch organisation`).click();
  await person.getByRole('button', { name: `Switch to ${second.name}` }).click();
  await expect(person).toHaveURL(/\/welcome$/);
  await expect(person.getByRole('heading', { name: `Welcome to ${second.name}` })).toBeVisible();
  await person.context().close();
});
