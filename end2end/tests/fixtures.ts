import { test as base, expect, Browser, BrowserContext, Locator, Page, APIRequestContext, devices } from '@playwright/test';

/** An organisation made for one test (the server's test-support route). */
export type TestOrganisation = {
  organisation_id: string;
  name: string;
  owner_email: string;
  admin_email: string;
  member_email: string;
  password: string;
};

export async function createOrganisation(request: APIRequestContext): Promise<TestOrganisation> {
  const response = await request.post('/test-support/organisations');
  expect(response.ok()).toBeTruthy();
  return (await response.json()) as TestOrganisation;
}

/** Waits until the page is hydrated: before that, clicks do nothing. */
export async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in as someone who may see the team, and waits until they do. */
export async function signedIn(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/team$/);
  await hydrated(page);
}

// The app sends through a real SMTP server (maildev, started by the
// Playwright config); these read what arrived from its web API.
const maildev = `http://127.0.0.1:${process.env.ROSTER_E2E_MAILDEV_PORT}`;

export type MaildevEmail = { subject: string; text: string; html: string; to: { address: string }[] };

/** The emails to `address` so far, oldest first. */
export async function emailsTo(address: string): Promise<MaildevEmail[]> {
  const response = await fetch(`${maildev}/email`);
  return ((await response.json()) as MaildevEmail[]).filter((e) =>
    e.to.some((t) => t.address.toLowerCase() === address.toLowerCase()),
  );
}

/** The newest email to `address` once more than `after` arrived, waiting for it. */
export async function emailTo(address: string, after = 0): Promise<MaildevEmail> {
  let found: MaildevEmail | undefined;
  await expect
    .poll(
      async () => {
        const emails = await emailsTo(address);
        found = emails.length > after ? emails[emails.length - 1] : undefined;
        return emails.length;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThan(after);
  return found as MaildevEmail;
}

/** The narrow phone the `phone-360` project runs the invitee specs on. */
export const NARROW_PHONE = { width: 360, height: 780 };

/** A second browser context with a phone profile: the person's phone
 * (360 px wide in the `phone-360` project, a Pixel 7's 412 otherwise). */
export async function phone(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const narrow = base.info().project.name === 'phone-360';
  const context = await browser.newContext({
    ...devices['Pixel 7'],
    ...(narrow ? { viewport: NARROW_PHONE } : {}),
    ...options,
  });
  return context.newPage();
}

/** How far the page overflows the device's width (0 or less: no sideways
 * scrolling). Measured against the device, not innerWidth: a phone
 * browser widens its layout viewport to fit content that overflows. */
export async function overflowX(page: Page): Promise<number> {
  return (await page.evaluate(() => document.documentElement.scrollWidth)) - (page.viewportSize()?.width ?? 0);
}

export const test = base.extend<{ org: TestOrganisation; noServerErrors: void }>({
  org: async ({ request }, use) => {
    await use(await createOrganisation(request));
  },
  /** Every response a browser of the test sees (its page, and the phones
   * and other browsers it opens) is recorded; a 5xx fails the test unless
   * it says it causes one on purpose (`test.info().annotations.push({ type:
   * 'causes-5xx', description: why })`). A 5xx means Roster is at fault;
   * a client's mistake is a 4xx. */
  noServerErrors: [
    async ({ browser, context }, use, testInfo) => {
      const seen: string[] = [];
      const watch = (watched: BrowserContext) =>
        watched.on('response', (response) => {
          if (response.status() >= 500) {
            seen.push(`${response.status()} ${response.request().method()} ${response.url()}`);
          }
        });
      watch(context);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
        const opened = await newContext(...args);
        watch(opened);
        return opened;
      };
      await use();
      browser.newContext = newContext;
      if (!testInfo.annotations.some((a) => a.type === 'causes-5xx')) {
        expect(seen, 'responses with a 5xx status (a fault of the server)').toEqual([]);
      }
    },
    { auto: true },
  ],
});

export { expect };

/** The invitation link in an invitation email. */
export function invitationLinkIn(email: MaildevEmail): string {
  const match = email.text.match(/https?:\/\/\S+\/invite\?token=[A-Za-z0-9_-]+/);
  expect(match, 'the email carries the invitation link').not.toBeNull();
  return (match as RegExpMatchArray)[0];
}

/** Opens an invitation `link` on a phone and creates the account with
 * `password`; returns the phone's page, on the welcome page. */
export async function acceptOnPhone(browser: Browser, link: string, password = 'violet lantern harbour seventeen'): Promise<Page> {
  const invitee = await phone(browser);
  await invitee.goto(link);
  await hydrated(invitee);
  await invitee.getByLabel('Password', { exact: true }).fill(password);
  await invitee.getByLabel('Confirm password').fill(password);
  await invitee.getByRole('button', { name: 'Create account and join' }).click();
  await expect(invitee).toHaveURL(/\/welcome$/);
  return invitee;
}

/** An address no other test uses. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@invitee.example`;
}

/** Opens the team page's invite dialog with `email` (and `name`, when
 * given) typed in; returns the dialog. */
export async function openInvite(page: Page, email: string, name?: string): Promise<Locator> {
  await page.goto('/team');
  await hydrated(page);
  await page.getByRole('button', { name: 'Invite user' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Invite user' });
  await dialog.getByLabel('Email').fill(email);
  if (name !== undefined) await dialog.getByLabel('Full name').fill(name);
  return dialog;
}

/** Invites `email` from the team page; returns with the confirmation open. */
export async function invite(page: Page, email: string, name: string) {
  const dialog = await openInvite(page, email, name);
  await dialog.getByLabel('Department', { exact: true }).selectOption({ label: 'Technical' });
  await dialog.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' });
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('dialog', { name: 'Invitation created' })).toBeVisible();
}

export const RESET_SUBJECT = 'Reset your Roster password';

/** The reset link in a password reset email. */
export function resetLinkIn(email: MaildevEmail): string {
  const match = email.text.match(/https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/);
  expect(match, 'the email carries the reset link').not.toBeNull();
  return (match as RegExpMatchArray)[0];
}
