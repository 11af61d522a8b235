// Lighthouse (mobile: its default simulated slow 4G and CPU throttling) on
// the sign-in page, an open invitation and the signed-in team page, three
// runs each; prints the medians. Run through `scripts/bench pages`, which
// starts the release build with test hooks and passes its address.
//
//   node scripts/bench-pages.mjs BASE_URL
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.argv[2];
const runs = Number(process.env.ROSTER_BENCH_RUNS ?? 3);
if (!base) {
  console.error('usage: node scripts/bench-pages.mjs BASE_URL');
  process.exit(2);
}

async function post(path, form, cookie) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'sec-fetch-site': 'same-origin',
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
  if (response.status >= 400) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

// An organisation, an admin's session and an open invitation to look at.
const org = await (await post('/test-support/organisations', {})).json();
const signIn = await post('/api/sign_in', { email: org.admin_email, password: org.password });
const session = signIn.headers.getSetCookie().find((c) => c.startsWith('roster_session='));
const cookie = session.split(';')[0];
const options = await (await post('/api/invitations/options', {}, cookie)).json();
const outcome = await (
  await post(
    '/api/invitations/create',
    {
      email: `bench-${Date.now()}@invitee.example`,
      name: 'Bea Bench',
      role_id: options.roles.find((r) => r.name === 'Member').id,
      department_id: '',
      expiry_hours: '',
    },
    cookie,
  )
).json();
const invite = new URL(outcome.Created.link);

const pages = [
  { name: '/login', url: `${base}/login` },
  { name: '/invite (open invitation)', url: `${base}${invite.pathname}${invite.search}` },
  { name: '/team (signed in)', url: `${base}/team`, headers: { Cookie: cookie } },
];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const out = mkdtempSync(join(tmpdir(), 'roster-lighthouse-'));
const rows = [];
for (const page of pages) {
  const results = [];
  for (let run = 1; run <= runs; run++) {
    const file = join(out, 'run.json');
    const args = [
      page.url,
      '--quiet',
      '--output=json',
      `--output-path=${file}`,
      '--only-categories=performance,accessibility,best-practices',
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync',
    ];
    if (page.headers) args.push(`--extra-headers=${JSON.stringify(page.headers)}`);
    // Lighthouse now and then loses its Chromium mid-run; such a run is
    // repeated (once), not counted.
    for (let attempt = 1; ; attempt++) {
      try {
        execFileSync('lighthouse', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' } });
        break;
      } catch (error) {
        if (attempt === 2) throw error;
        process.stderr.write(`  ${page.name}: run ${run} failed (${error.message.split('\n')[0]}); once more\n`);
      }
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const audit = (id) => report.audits[id]?.numericValue ?? NaN;
    results.push({
      performance: report.categories.performance.score * 100,
      accessibility: report.categories.accessibility.score * 100,
      bestPractices: report.categories['best-practices'].score * 100,
      lcp: audit('largest-contentful-paint'),
      tbt: audit('total-blocking-time'),
      cls: audit('cumulative-layout-shift'),
      transfer: audit('total-byte-weight'),
    });
    process.stderr.write(`  ${page.name}: run ${run} of ${runs} done\n`);
  }
  const m = (key) => median(results.map((r) => r[key]));
  rows.push({
    page: page.name,
    performance: m('performance'),
    accessibility: m('accessibility'),
    'best practices': m('bestPractices'),
    'LCP (s)': (m('lcp') / 1000).toFixed(2),
    'TBT (ms)': Math.round(m('tbt')),
    CLS: m('cls').toFixed(3),
    'transfer (KiB)': (m('transfer') / 1024).toFixed(1),
  });
}
rmSync(out, { recursive: true, force: true });
console.log(`Lighthouse ${execFileSync('lighthouse', ['--version']).toString().trim()}, mobile defaults, median of ${runs} runs`);
console.table(rows);
