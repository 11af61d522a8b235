import { test as base, expect, Page, APIRequestContext } from '@playwright/test';

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

export const test = base.extend<{ org: TestOrganisation }>({
  org: async ({ request }, use) => {
    await use(await createOrganisation(request));
  },
});

export { expect };
