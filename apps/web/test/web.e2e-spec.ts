import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../../../test-support/app';
import { PASSWORD, seedUser } from '../../../test-support/auth';
import { Authenticator } from '../../../test-support/totp';

/**
 * The web SPA in a real browser (Debian's chromium through playwright-core) against the real API
 * (createTestApp on this run's PostgreSQL, listening on a free loopback port), driven as a user.
 * The bundle is built first with the same esbuild script as `npm run build:web`, into a private
 * directory the API is pointed at with WEB_DIR (so a concurrent `npm run build`, which empties
 * dist/, cannot pull the files from under the test).
 */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '../../..');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: CI must run the browser tests (apt-get install -y chromium)`);
}
if (!haveChromium) {
  console.warn(
    `Skipping the web SPA browser tests: ${CHROMIUM} is absent (apt-get install -y chromium). With CI set they fail instead.`,
  );
}
const describeInBrowser = haveChromium ? describe : describe.skip;

jest.setTimeout(90_000);

/** The browser's own, for functions evaluated in the page (this file is compiled without the DOM library). */
declare function getComputedStyle(el: unknown): { backgroundColor: string };

interface Tab {
  context: BrowserContext;
  page: Page;
  requests: Request[];
  /** Console errors and CSP violations the page reported. */
  problems: string[];
}

describeInBrowser('web SPA in chromium', () => {
  let webDir: string;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const tabs: Tab[] = [];

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'uyoop-web-'));
    execFileSync(process.execPath, [join(ROOT, 'apps/web/build.mjs'), '--outdir', webDir], { cwd: ROOT });
    // Every sign-in of these tests comes from 127.0.0.1: lift the per-address limit of /login and /2fa/*.
    t = await createTestApp({ WEB_DIR: webDir, RATE_LIMIT_LOGIN_PER_MINUTE: '1000' });
    await t.app.listen(0, '127.0.0.1');
    const { port } = (t.app.getHttpServer() as Server).address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    await seedUser(t.app, 'lead', 'PROJET');
    await seedUser(t.app, 'dev', 'DEV');
    await seedUser(t.app, 'secure', 'OPS');
    await seedUser(t.app, 'refresher', 'PROJET');
  });

  afterAll(async () => {
    for (const tab of tabs) await tab.context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  async function openTab(): Promise<Tab> {
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    const tab: Tab = { context, page, requests: [], problems: [] };
    page.on('request', (r) => tab.requests.push(r));
    page.on('console', (m) => {
      if (m.type() === 'error') tab.problems.push(`console: ${m.text()}`);
    });
    // Injected through the DevTools protocol, so the page's CSP does not apply to this listener.
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => { (window.__csp ||= []).push(e.violatedDirective + ' ' + e.blockedURI); });",
    );
    tabs.push(tab);
    return tab;
  }

  async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
    await page.goto('/');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function waitForCalendar(page: Page): Promise<void> {
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    await page.getByRole('tab', { name: 'Month view' }).waitFor();
  }

  const sessionTokens = (page: Page): Promise<{ access_token: string; refresh_token: string } | null> =>
    page.evaluate("JSON.parse(sessionStorage.getItem('uyoop-cal.tokens') || 'null')");

  function expectNoLegacyHeader(tab: Tab): void {
    const offenders = tab.requests.filter((r) => 'x-user-id' in r.headers()).map((r) => r.url());
    expect(offenders).toEqual([]);
  }

  it('serves the SPA with its own CSP and nonce; JSON routes keep theirs, unknown routes a JSON 404', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(await page.text()).toContain(`<meta name="csp-nonce" content="${nonce}" />`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    // A fresh nonce per response.
    const again = (await fetch(`${base}/`)).headers.get('content-security-policy');
    expect(again).not.toBe(csp);

    const js = await fetch(`${base}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);

    const health = await fetch(`${base}/health/live`);
    expect(health.headers.get('content-security-policy')).toContain("default-src 'none'");
    const missing = await fetch(`${base}/assets/../package.json`);
    expect(missing.status).toBe(404);
    const unknown = await fetch(`${base}/no-such-route`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ statusCode: 404 });
  });

  it('signs in, keeps the tokens in sessionStorage only, never sends X-User-Id, and signs out with POST /logout', async () => {
    const tab = await openTab();
    const { page } = tab;
    await signIn(page, 'lead');
    await waitForCalendar(page);
    await expect(page.getByTestId('whoami').textContent()).resolves.toContain('lead · Project lead');

    const tokens = await sessionTokens(page);
    expect(tokens?.access_token).toMatch(/^ey/);
    expect(tokens?.refresh_token).toBeTruthy();
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await page.evaluate('document.cookie')).toBe('');
    const api = tab.requests.filter((r) => r.url().includes('/events?'));
    expect(api.length).toBeGreaterThan(0);
    expect(api[0]!.headers().authorization).toBe(`Bearer ${tokens!.access_token}`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to uyoop-cal' }).waitFor();
    expect(tab.requests.some((r) => r.method() === 'POST' && r.url() === `${base}/logout`)).toBe(true);
    expect(await sessionTokens(page)).toBeNull();
    expectNoLegacyHeader(tab);
    expect(tab.problems).toEqual([]);
  });

  it('shows the API message when the password is wrong', async () => {
    const { page } = await openTab();
    await signIn(page, 'lead', 'not the password at all');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Incorrect username or password');
  });

  it('offers a DEV only git actions in step 1 of the creation form', async () => {
    const tab = await openTab();
    await signIn(tab.page, 'dev');
    await waitForCalendar(tab.page);
    await tab.page.getByRole('link', { name: 'New event' }).first().click();
    await tab.page.getByRole('group', { name: 'What are you planning?' }).waitFor();
    const radios = tab.page.getByRole('radio');
    expect(await radios.count()).toBe(1);
    expect(await tab.page.getByRole('radio', { name: 'Git action' }).isChecked()).toBe(true);
    expect(await tab.page.getByRole('radio', { name: 'Meeting' }).count()).toBe(0);
    expectNoLegacyHeader(tab);
  });

  it('creates a meeting through the three steps and shows it, coloured, on the calendar; the CSP blocks an injected inline script', async () => {
    const tab = await openTab();
    const { page } = tab;
    await signIn(page, 'lead');
    await waitForCalendar(page);
    await page.getByRole('link', { name: 'New event' }).first().click();

    // Step 1: every type for a project lead.
    await page.getByRole('group', { name: 'What are you planning?' }).waitFor();
    expect(await page.getByRole('radio').count()).toBe(3);
    await page.getByRole('radio', { name: 'Meeting' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    // Step 2: title and times (tomorrow 10:00–11:00 local, the defaults, kept).
    await page.getByLabel('Title').fill('Sprint planning');
    await page.getByRole('button', { name: 'Next' }).click();
    // Step 3: the meeting's fields.
    await page.getByLabel('Kind of meeting').selectOption('planning');
    await page.getByLabel('Video link').fill('https://meet.example.org/planning');
    await page.getByLabel('Notes').fill('Bring the backlog');
    await page.getByRole('button', { name: 'Create event' }).click();

    await page.getByText('“Sprint planning” was created.').waitFor();
    const event = page.locator('[data-event-id]', { hasText: 'Sprint planning' }).first();
    await event.waitFor();
    // Styled by the bundled stylesheets: the meeting colour, no inline style needed.
    expect(await event.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(29, 78, 216)');
    expect(await page.evaluate('window.__csp || []')).toEqual([]);

    // An inline script injected into the page does not run, and the browser reports why.
    await page.evaluate(
      "{ const s = document.createElement('script'); s.textContent = 'window.__pwned = true'; document.body.appendChild(s); }",
    );
    await page.waitForFunction('(window.__csp || []).length > 0');
    expect(await page.evaluate('window.__pwned === true')).toBe(false);
    expect(await page.evaluate('window.__csp')).toEqual([
      expect.stringMatching(/^script-src(-elem)? inline$/),
    ]);

    // The details screen, from the calendar, with the keyboard.
    await event.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sprint planning' }).waitFor();
    await expect(page.locator('[data-field="Kind"]').textContent()).resolves.toBe('planning');
    expectNoLegacyHeader(tab);
  });

  it('enrols 2FA through the UI (QR code, otpauth URL, 10 backup codes), then signs in with a TOTP code and with a backup code', async () => {
    const tab = await openTab();
    const { page } = tab;
    await signIn(page, 'secure');
    await waitForCalendar(page);
    await page.getByRole('link', { name: 'Two-factor' }).click();
    await expect(page.getByTestId('2fa-status').textContent()).resolves.toContain('off');
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();

    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(
      await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0); // img-src data: allowed
    const otpauth = (await page.getByTestId('otpauth-url').textContent()) ?? '';
    expect(otpauth).toMatch(/^otpauth:\/\/totp\//);
    const phone = Authenticator.fromUrl(otpauth);

    await page.getByLabel('Code from your app').fill(phone.next());
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    const codes = page.getByTestId('backup-codes').locator('li');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const backupCode = ((await codes.nth(3).textContent()) ?? '').trim();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await expect(page.getByTestId('2fa-status').textContent()).resolves.toContain('10 backup codes left');

    // Sign out, then back in: password, then the code from the authenticator.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, 'secure');
    await page.getByLabel('Authentication code').fill(phone.next());
    await page.getByRole('button', { name: 'Verify' }).click();
    await waitForCalendar(page);

    // And with a backup code.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, 'secure');
    await page.getByLabel('Authentication code').fill(backupCode);
    await page.getByRole('button', { name: 'Verify' }).click();
    await waitForCalendar(page);
    await page.getByRole('link', { name: 'Two-factor' }).click();
    await expect(page.getByTestId('2fa-status').textContent()).resolves.toContain('9 backup codes left');
    expectNoLegacyHeader(tab);
    expect(await page.evaluate('window.__csp || []')).toEqual([]);
  });

  it('refreshes an expired access token transparently (one POST /token/refresh, the call retried), and signs out when refresh fails', async () => {
    const tab = await openTab();
    const { page } = tab;
    await signIn(page, 'refresher');
    await waitForCalendar(page);
    const before = (await sessionTokens(page))!;

    // The same access token, but expired a minute ago (re-signed with the test key).
    const expired = expire(before.access_token);
    await page.evaluate(
      `sessionStorage.setItem('uyoop-cal.tokens', JSON.stringify(${JSON.stringify({ ...before, access_token: expired })}))`,
    );
    const mark = tab.requests.length;
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${base}/notifications`) && r.status() === 200),
      page.getByRole('link', { name: 'Notifications' }).click(),
    ]);
    expect(response.ok()).toBe(true);
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const after = tab.requests.slice(mark);
    expect(after.filter((r) => r.url() === `${base}/token/refresh`)).toHaveLength(1);
    const renewed = (await sessionTokens(page))!;
    expect(renewed.access_token).not.toBe(expired);
    expect(renewed.refresh_token).not.toBe(before.refresh_token);

    // A refresh token that no longer works: back to sign-in, tokens gone.
    await page.evaluate(
      `sessionStorage.setItem('uyoop-cal.tokens', JSON.stringify(${JSON.stringify({ access_token: expired, refresh_token: before.refresh_token })}))`,
    );
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Sign in to uyoop-cal' }).waitFor();
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    expect(await sessionTokens(page)).toBeNull();
    expectNoLegacyHeader(tab);
  });
});

/** An access token with the same claims, expired: re-signed (HS256) with the test app's key. */
function expire(token: string): string {
  const [header, payload] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, number>;
  const now = Math.floor(Date.now() / 1000);
  const body = Buffer.from(JSON.stringify({ ...claims, iat: now - 960, exp: now - 60 })).toString(
    'base64url',
  );
  const signature = createHmac('sha256', Buffer.from(TEST_JWT_SECRET, 'base64'))
    .update(`${header}.${body}`)
    .digest('base64url');
  return `${header}.${body}.${signature}`;
}
