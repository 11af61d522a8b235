import { defineConfig, devices } from '@playwright/test';
import * as path from 'path';

// scripts/test chooses the port, the data directory and the binary (a
// test build, roster-test-hooks: the server with the suite's hooks) and
// exports them.
const port = Number(process.env.ROSTER_E2E_PORT ?? 0);
if (!port) {
  throw new Error('Run the end-to-end tests through scripts/test (ROSTER_E2E_PORT is not set).');
}
const baseURL = `http://127.0.0.1:${port}`;
// A real SMTP server (maildev) that the app sends through; tests read what
// arrived from its web API.
const smtpPort = Number(process.env.ROSTER_E2E_SMTP_PORT ?? 0);
const maildevPort = Number(process.env.ROSTER_E2E_MAILDEV_PORT ?? 0);
if (!smtpPort || !maildevPort) {
  throw new Error('Run the end-to-end tests through scripts/test (ROSTER_E2E_SMTP_PORT is not set).');
}
const repoRoot = path.resolve(__dirname, '..');

const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    launchOptions: chromium,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], launchOptions: chromium } },
    // A phone profile (412 px wide), in the same Chromium.
    { name: 'phone', use: { ...devices['Pixel 7'], launchOptions: chromium } },
    // The invitee's pages once more on a narrow phone (360 px): sign-in,
    // accepting, resetting and the landing page, with JavaScript and without.
    {
      name: 'phone-360',
      use: { ...devices['Pixel 7'], viewport: { width: 360, height: 780 }, launchOptions: chromium },
      testMatch: /(sign-in|invitations|password-reset|no-javascript)\.spec\.ts/,
    },
  ],
  webServer: [
    {
      command: `node_modules/.bin/maildev --smtp ${smtpPort} --web ${maildevPort} --ip 127.0.0.1 --web-ip 127.0.0.1 --silent`,
      url: `http://127.0.0.1:${maildevPort}/email`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: process.env.ROSTER_E2E_BIN ?? 'false',
      cwd: repoRoot,
      url: `${baseURL}/healthz`,
      // Never test a development server that happens to be running.
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        PUBLIC_BASE_URL: baseURL,
        ROSTER_DATA_DIR: process.env.ROSTER_E2E_DATA_DIR ?? '',
        RUST_LOG: 'warn',
        ROSTER_MAIL: 'smtp',
        // The test build serves only when told it is under test.
        ROSTER_TEST_HOOKS: '1',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      },
    },
  ],
});
