import { Page } from '@playwright/test';
import { test, expect, signedIn, overflowX } from './fixtures';

function auditTable(page: Page) {
  return page.getByRole('table', { name: 'Audit events, newest first' });
}

function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

test('an owner finds a disable by its action, Back restores the filters, and the export has it', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  // A live refresh (of the sign-in itself) may redraw the row and close its
  // menu just after it opens: open it again until the choice is there.
  await expect(async () => {
    await page.getByRole('button', { name: 'Actions for Mia Member' }).click();
    await page
      .getByRole('table', { name: 'Members of your organisation' })
      .getByRole('row', { name: /Mia Member/ })
      .getByRole('button', { name: 'Disable', exact: true })
      .click({ timeout: 2000 });
  }).toPass();
  const dialog = page.getByRole('dialog', { name: 'Disable Mia Member?' });
  await dialog.getByRole('button', { name: 'Disable' }).click();
  await expect(dialog).toBeHidden();

  await mainNav(page).getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await expect(page.getByText("Times and dates are in UTC, the organisation's time zone")).toBeVisible();
  const rows = auditTable(page).locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  const everything = await rows.count();
  expect(everything).toBeGreaterThan(1);

  await page.getByLabel('Action').selectOption({ label: 'Member disabled' });
  await expect(page).toHaveURL(/\/audit\?action=member\.disabled$/);
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row.getByRole('rowheader')).toContainText('Member disabled');
  if (test.info().project.name === 'phone') {
    // Who and to whom sit under the action; their columns are hidden.
    await expect(row.getByText('By Olive Owner')).toBeVisible();
    await expect(row.getByText('Target: Mia Member')).toBeVisible();
    await expect(row.getByRole('cell', { name: 'Olive Owner', exact: true })).toBeHidden();
  } else {
    await expect(row.getByRole('cell', { name: 'Olive Owner', exact: true })).toBeVisible();
    await expect(row.getByRole('cell', { name: 'Mia Member', exact: true })).toBeVisible();
    await expect(row.getByRole('cell', { name: 'Status: Enabled → Disabled' })).toBeVisible();
    await expect(row.getByRole('cell', { name: '127.0.0.1' })).toBeVisible();
  }
  // The time is the organisation's, with UTC on hover.
  await expect(row.locator('time')).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  expect(await overflowX(page)).toBeLessThanOrEqual(0);

  // The export takes the same filters.
  const exportLink = page.getByRole('link', { name: 'Export CSV' });
  await expect(exportLink).toHaveAttribute('href', '/audit/export.csv?action=member.disabled');
  const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = require('fs').readFileSync(await download.path(), 'utf8') as string;
  const lines = text.split('\r\n').filter(Boolean);
  expect(lines[0]).toContain('Time (UTC),Actor,Actor id,Action');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,Olive Owner,/);
  expect(lines[1]).toContain('Member disabled,member.disabled,Mia Member,account,');
  expect(lines[1]).toContain('127.0.0.1');

  // Another filter on top, then Back through both.
  const target = page.getByLabel('Target');
  await target.fill('nobody-by-this-name');
  await expect(page).toHaveURL(/\/audit\?target=nobody-by-this-name&action=member\.disabled$/);
  await expect(page.getByRole('status')).toHaveText('No events match these filters.');

  await page.goBack();
  await expect(page).toHaveURL(/\/audit\?action=member\.disabled$/);
  await expect(target).toHaveValue('');
  await expect(page.getByLabel('Action')).toHaveValue('member.disabled');
  await expect(rows).toHaveCount(1);
  await page.goBack();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByLabel('Action')).toHaveValue('');
  await expect(rows).toHaveCount(everything + 1); // and the export, since
});

test('dates the wrong way round are explained beside the To field', async ({ page, org }) => {
  await signedIn(page, org.owner_email, org.password);
  await page.goto('/audit?from=2026-03-02&to=2026-03-01');
  const to = page.getByLabel('To', { exact: true });
  await expect(to).toHaveValue('2026-03-01');
  await expect(to).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert')).toContainText('The end date is before the start date');
  await expect(auditTable(page)).toHaveCount(0);
});

test('an admin has no audit log link and is refused at /audit', async ({ page, org }) => {
  await signedIn(page, org.admin_email, org.password);
  await expect(mainNav(page).getByRole('link', { name: 'Team' })).toBeVisible();
  await expect(mainNav(page).getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  const response = await page.goto('/audit');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: "You don't have access to the audit log" })).toBeVisible();
  await expect(auditTable(page)).toHaveCount(0);
  const csv = await page.request.get('/audit/export.csv');
  expect(csv.status()).toBe(403);
});
