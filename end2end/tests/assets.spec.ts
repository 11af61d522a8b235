import { test, expect } from './fixtures';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as zlib from 'zlib';

// What the build left (scripts/lib.sh: `cargo xtask site`, then `roster assets`).
const pkg = path.resolve(__dirname, '../../target/site/pkg');

/** GET without any decoding: the bytes exactly as the server sent them. */
function rawGet(url: string, encoding: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': encoding } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

/** The files a page names: its stylesheet, its module and its WASM. */
async function assetsOf(baseURL: string, page: string): Promise<string[]> {
  const html = (await rawGet(`${baseURL}${page}`, 'identity')).body.toString();
  // In `href`s, and in the hydration script's strings.
  return [...new Set([...html.matchAll(/"(\/pkg\/[^"]+)"/g)].map((m) => m[1]))];
}

test('the browser files are named by content, kept a year, and served as the build compressed them', async ({ baseURL }) => {
  test.skip(test.info().project.name === 'phone', 'HTTP headers; the same for every browser');
  const invitee = await assetsOf(baseURL!, '/login');
  const app = await assetsOf(baseURL!, '/nowhere');
  // The sign-in page names the invitee bundle; every other page the whole app.
  expect(invitee.some((a) => /^\/pkg\/invitee-[0-9a-f]{16}\.wasm$/.test(a))).toBeTruthy();
  expect(invitee.some((a) => /^\/pkg\/invitee-[0-9a-f]{16}\.js$/.test(a))).toBeTruthy();
  expect(app.some((a) => /^\/pkg\/roster-[0-9a-f]{16}\.wasm$/.test(a))).toBeTruthy();
  expect(app.some((a) => a.includes('invitee'))).toBeFalsy();

  const files = [...new Set([...invitee, ...app])];
  const stylesheet = app.find((a) => /^\/pkg\/roster-[0-9a-f]{16}\.css$/.test(a));
  expect(stylesheet).toBeTruthy();
  // The invitee pages carry the stylesheet inline, under the page's nonce,
  // so a phone paints with the first response.
  expect(invitee.some((a) => a.endsWith('.css'))).toBeFalsy();
  const login = await rawGet(`${baseURL}/login`, 'identity');
  const nonce = /'nonce-([^']+)'/.exec(String(login.headers['content-security-policy']))![1];
  const css = fs.readFileSync(path.join(pkg, path.basename(stylesheet!))).toString();
  expect(login.body.toString()).toContain(`<style nonce="${nonce}">${css}</style>`);
  for (const asset of files) {
    const onDisk = path.join(pkg, path.basename(asset));
    const plain = fs.readFileSync(onDisk);
    for (const [encoding, suffix, decode] of [
      ['br', '.br', zlib.brotliDecompressSync],
      ['gzip', '.gz', zlib.gunzipSync],
    ] as const) {
      const response = await rawGet(`${baseURL}${asset}`, encoding);
      expect(response.status, asset).toBe(200);
      expect(response.headers['content-encoding'], asset).toBe(encoding);
      expect(response.headers['cache-control'], asset).toBe('public, max-age=31536000, immutable');
      expect(response.headers['vary']?.toLowerCase(), asset).toContain('accept-encoding');
      // Byte for byte the build's compressed copy: nothing compressed per request.
      expect(response.body.equals(fs.readFileSync(onDisk + suffix)), `${asset} (${encoding})`).toBeTruthy();
      expect(decode(response.body).equals(plain), `${asset} (${encoding}) unpacks to the file`).toBeTruthy();
    }
    const identity = await rawGet(`${baseURL}${asset}`, 'identity');
    expect(identity.headers['content-encoding'], asset).toBeUndefined();
    expect(identity.body.equals(plain), asset).toBeTruthy();
  }
  const wasm = await rawGet(`${baseURL}${invitee.find((a) => a.endsWith('.wasm'))}`, 'br');
  expect(wasm.headers['content-type']).toBe('application/wasm');

  // Pages stay out of every cache; a missing file is not kept for a year.
  const page = await rawGet(`${baseURL}/login`, 'br');
  expect(page.headers['cache-control']).toBe('no-store');
  const missing = await rawGet(`${baseURL}/pkg/roster-0000000000000000.wasm`, 'br');
  expect(missing.status).toBe(404);
  expect(missing.headers['cache-control']).not.toContain('immutable');
});
