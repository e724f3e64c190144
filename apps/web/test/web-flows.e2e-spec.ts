import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { enableTwoFactor, PASSWORD, seedUser } from '../../../test-support/auth';
import {
  createTestRepository,
  type GitDaemon,
  removeTestRepository,
  startGitDaemon,
  type TestRepository,
} from '../../../test-support/git-server';
import { Authenticator } from '../../../test-support/totp';

/**
 * The SPA flows beyond sign-in and creation (web.e2e-spec.ts): approval, git runs, edit/delete,
 * notifications, the dashboard's counts and the 2FA step of sign-in. One API (createTestApp on this
 * run's PostgreSQL, listening on loopback, git actions mapped to a local `git daemon`) and one
 * chromium for the whole file; setup data goes through the real API, outcomes are read back from it.
 * Browser contexts run in UTC so times typed into the forms are predictable.
 */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '../../..');
const REPO = 'https://git.example.test/demo.git';
const MINUTE = 60_000;
const DAY = 86_400_000;
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: CI must run the browser tests (apt-get install -y chromium)`);
}
if (!haveChromium) {
  console.warn(
    `Skipping the web SPA flow tests: ${CHROMIUM} is absent (apt-get install -y chromium). With CI set they fail instead.`,
  );
}
const describeInBrowser = haveChromium ? describe : describe.skip;

jest.setTimeout(60_000);

type Who = 'admin' | 'lead' | 'dev' | 'dev-plain' | 'notify' | 'guarded';

interface Event {
  id: string;
  title: string;
  start: string;
  end: string;
  type: string;
  status?: string;
}

describeInBrowser('web SPA flows in chromium', () => {
  let webDir: string;
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let repo: TestRepository;
  let daemon: GitDaemon;
  const contexts: BrowserContext[] = [];
  const tokens = {} as Record<Who, string>;
  const phones = {} as Partial<Record<Who, Authenticator>>;

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'uyoop-web-'));
    execFileSync(process.execPath, [join(ROOT, 'apps/web/build.mjs'), '--outdir', webDir], { cwd: ROOT });
    repo = createTestRepository();
    daemon = await startGitDaemon(repo);
    t = await createTestApp({
      WEB_DIR: webDir,
      RATE_LIMIT_DEFAULT_PER_MINUTE: '100000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
      // The sign-in test spends an mfa_token's attempts on purpose; the account must not lock.
      LOCKOUT_THRESHOLD: '100',
      GIT_ALLOWED_HOSTS: 'git.example.test',
      GIT_MIRRORS: `https://git.example.test/=${daemon.base}`,
    });
    await t.app.listen(0, '127.0.0.1');
    const { port } = (t.app.getHttpServer() as Server).address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const roles: Record<Who, 'ADMIN' | 'PROJET' | 'DEV' | 'OPS'> = {
      admin: 'ADMIN',
      lead: 'PROJET',
      dev: 'DEV',
      'dev-plain': 'DEV',
      notify: 'OPS',
      guarded: 'OPS',
    };
    for (const [who, role] of Object.entries(roles) as [Who, (typeof roles)[Who]][]) {
      await seedUser(t.app, who, role);
      tokens[who] = (await call<{ access_token: string }>('POST', '/login', undefined, {
        username: who,
        password: PASSWORD,
      }))!.access_token;
    }
    // Running a git action needs 2FA (GIT-07): `dev` has it, `dev-plain` not.
    for (const who of ['dev', 'guarded'] as const) {
      phones[who] = (await enableTwoFactor(t.app, { access: tokens[who], refresh: '' })).phone;
    }
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await daemon?.stop();
    if (repo) removeTestRepository(repo);
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  /** The API itself, over HTTP, as `who` (or anonymous); throws on an unexpected status. */
  async function call<T>(
    method: string,
    path: string,
    who?: Who,
    body?: unknown,
    expected?: number,
  ): Promise<T | undefined> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(who ? { Authorization: `Bearer ${tokens[who]}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = res.status === 204 ? undefined : ((await res.json()) as T);
    if (expected !== undefined ? res.status !== expected : !res.ok)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  }

  const createEvent = async (
    who: Who,
    type: string,
    title: string,
    start: Date,
    extra: Record<string, unknown>,
    minutes = 60,
  ): Promise<Event> =>
    (await call<Event>('POST', '/events', who, {
      title,
      start: start.toISOString(),
      end: new Date(start.getTime() + minutes * MINUTE).toISOString(),
      type,
      extra,
    }))!;

  async function openPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: base, timezoneId: 'UTC', locale: 'en-GB' });
    contexts.push(context);
    return context.newPage();
  }

  /** Signs in through the form; for 2FA accounts also the code step. Ends on the calendar. */
  async function signIn(who: Who, page?: Page): Promise<Page> {
    page ??= await openPage();
    await page.goto('/');
    await page.getByLabel('Username').fill(who);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const phone = phones[who];
    if (phone) {
      await page.getByLabel('Authentication code').fill(phone.next());
      await page.getByRole('button', { name: 'Verify' }).click();
    }
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    return page;
  }

  async function openEvent(page: Page, event: Event): Promise<void> {
    await page.goto(`/#/events/${event.id}`);
    await page.getByRole('heading', { level: 1, name: event.title }).waitFor();
  }

  const field = (page: Page, name: string): Promise<string | null> =>
    page.locator(`[data-field="${name}"]`).textContent();

  // First, while the database holds no other event: the dashboard counts everything visible.
  it('dashboard: the per-type and per-week counts match the events created in the coming weeks', async () => {
    // Monday 00:00 UTC of this week (the browser runs in UTC).
    const now = new Date();
    const monday = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - ((now.getUTCDay() + 6) % 7) * DAY,
    );
    const at = (week: number, day: number, hour: number): Date =>
      new Date(monday.getTime() + (week * 7 + day) * DAY + hour * 3_600_000);
    const meeting = { subtype: 'daily' };
    const window = { environment: 'staging', needs_approval: false };
    const git = { repo_url: REPO, branch: 'main', action: 'fetch' };
    const plan: [string, Record<string, unknown>, Date][] = [
      ['meeting', meeting, at(0, 0, 9)], // this week (maybe already past: still this week)
      ['deployment_window', window, at(0, 4, 14)],
      ['meeting', meeting, at(1, 1, 9)],
      ['meeting', meeting, at(1, 2, 9)],
      ['git_action', git, at(1, 3, 11)],
      ['deployment_window', window, at(3, 0, 8)],
      ['git_action', git, at(3, 6, 20)],
      ['meeting', meeting, at(7, 4, 16)], // the 8th and last week shown
      ['meeting', meeting, at(8, 1, 9)], // beyond the dashboard's 8 weeks: not counted
    ];
    for (const [i, [type, extra, start]] of plan.entries())
      await createEvent('lead', type, `dash ${i}`, start, extra);

    const page = await signIn('lead');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByText('8 events.', { exact: false }).waitFor();

    const cards = await page
      .getByTestId('per-type')
      .locator('.card')
      .evaluateAll((els) => els.map((el) => (el as unknown as { innerText: string }).innerText));
    expect(cards.map((c) => c.replace(/\s+/g, ' ').trim())).toEqual([
      '4 Meeting',
      '2 Deployment window',
      '2 Git action',
    ]);
    const rows = await page
      .getByTestId('per-week')
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          [
            ...(tr as unknown as { querySelectorAll(s: string): { textContent: string }[] }).querySelectorAll(
              'td',
            ),
          ].map((td) => td.textContent.trim()),
        ),
      );
    // Meeting, deployment window, git action, total; weeks 0 to 7.
    expect(rows).toEqual([
      ['1', '1', '0', '2'],
      ['2', '0', '1', '3'],
      ['0', '0', '0', '0'],
      ['0', '1', '1', '2'],
      ['0', '0', '0', '0'],
      ['0', '0', '0', '0'],
      ['0', '0', '0', '0'],
      ['1', '0', '0', '1'],
    ]);
    // The first row is the week of this Monday.
    const firstWeek = await page.getByTestId('per-week').locator('tbody tr th').first().textContent();
    expect(firstWeek).toBe(
      new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(monday),
    );
  });

  it('approval: an ADMIN approves one pending window and rejects another with a comment; the calendar shows it; others get no buttons', async () => {
    const day = new Date(Date.now() + 2 * DAY);
    day.setUTCHours(9, 0, 0, 0);
    const prod = { environment: 'prod', services: ['api'], needs_approval: true };
    const ok = await createEvent('lead', 'deployment_window', 'Release 2.0', day, prod);
    const no = await createEvent(
      'lead',
      'deployment_window',
      'Hotfix Friday',
      new Date(day.getTime() + 3 * 3_600_000),
      prod,
    );
    const own = await createEvent(
      'admin',
      'deployment_window',
      'Admin window',
      new Date(day.getTime() + 6 * 3_600_000),
      prod,
    );
    expect([ok.status, no.status, own.status]).toEqual(['pending', 'pending', 'pending']);

    // A project lead sees their pending window without decision controls.
    const lead = await signIn('lead');
    await openEvent(lead, ok);
    expect(await field(lead, 'Status')).toBe('pending');
    await lead.getByRole('link', { name: 'Edit' }).waitFor();
    expect(await lead.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await lead.getByRole('button', { name: 'Reject' }).count()).toBe(0);

    const page = await signIn('admin');
    // Nobody approves their own window: no buttons for it.
    await openEvent(page, own);
    await page.getByRole('link', { name: 'Edit' }).waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    await openEvent(page, ok);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('“Release 2.0” was approved.').waitFor();
    expect(await field(page, 'Status')).toBe('approved');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    await openEvent(page, no);
    await page.getByLabel('Comment (optional)').fill('Not on a Friday, please');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('“Hotfix Friday” was rejected.').waitFor();
    expect(await field(page, 'Status')).toBe('rejected');

    expect((await call<Event>('GET', `/events/${ok.id}`, 'lead'))!.status).toBe('approved');
    expect((await call<Event>('GET', `/events/${no.id}`, 'lead'))!.status).toBe('rejected');
    const audit = await call<{ target_id: string; details: { comment: string | null } }[]>(
      'GET',
      '/audit?action=event_rejected',
      'admin',
    );
    expect(audit!.find((a) => a.target_id === no.id)?.details.comment).toBe('Not on a Friday, please');

    // The calendar, on that day: approved without a label, rejected labelled, the admin's still pending.
    await page.getByRole('link', { name: 'Back to the calendar' }).click();
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    // The list of that week: every event listed (the month grid may fold a busy day into “+ more”).
    await page.getByRole('tab', { name: 'List view' }).click();
    const approved = page.locator(`[data-event-id="${ok.id}"]`);
    await approved.waitFor();
    expect(await approved.textContent()).toContain('Release 2.0');
    expect(await approved.textContent()).not.toContain('pending');
    expect(await approved.getAttribute('class')).toContain('ev-approved');
    const rejected = page.locator(`[data-event-id="${no.id}"]`);
    expect(await rejected.textContent()).toContain('Hotfix Friday (rejected)');
    expect(await rejected.getAttribute('class')).toContain('ev-rejected');
    expect(await page.locator(`[data-event-id="${own.id}"]`).textContent()).toContain(
      'Admin window (pending approval)',
    );
  });

  it('git run: a DEV with 2FA runs an approved action in its slot and sees it succeed with the commit; one without 2FA sees the API refuse', async () => {
    const slot = new Date(Date.now() - MINUTE);
    const clone = { repo_url: REPO, branch: 'feature/login', action: 'clone' };
    const mine = await createEvent('dev', 'git_action', 'Clone the login branch', slot, clone, 30);
    const plain = await createEvent('dev-plain', 'git_action', 'Clone without 2FA', slot, clone, 30);
    for (const e of [mine, plain]) await call('POST', `/events/${e.id}/approve`, 'admin', { comment: 'go' });

    const page = await signIn('dev');
    await openEvent(page, mine);
    expect(await field(page, 'Status')).toBe('approved');
    await page.getByText('No runs yet.').waitFor();
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByText('Run succeeded.').waitFor({ timeout: 30_000 });
    const run = page.locator('article.run').first();
    await expect(run.locator('strong').textContent()).resolves.toBe('clone: succeeded');
    expect(await run.textContent()).toContain('(exit 0)');
    expect(await run.getByLabel('Output').textContent()).toContain(
      `${repo.heads['feature/login']} login form`,
    );

    const other = await signIn('dev-plain');
    await openEvent(other, plain);
    await other.getByRole('button', { name: 'Run' }).click();
    await expect(other.getByRole('alert').textContent()).resolves.toBe(
      'Two-factor authentication required: turn it on with POST /2fa/setup, then retry',
    );
    await other.getByText('No runs yet.').waitFor();
  });

  it('edit and delete of one’s own event; a DEV gets no controls on someone else’s and the API’s 403 if forced', async () => {
    const start = new Date(Date.now() + 3 * DAY);
    start.setUTCHours(14, 0, 0, 0);
    const event = await createEvent('lead', 'meeting', 'Design review', start, { subtype: 'review' });
    const date = start.toISOString().slice(0, 10);

    const page = await signIn('lead');
    await openEvent(page, event);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit “Design review”' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Meeting' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Title').fill('Design review (moved)');
    await page.getByLabel('Starts', { exact: true }).fill(`${date}T16:30`);
    await page.getByLabel('Ends', { exact: true }).fill(`${date}T17:15`);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('“Design review (moved)” was saved.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Design review (moved)' }).waitFor();
    const saved = (await call<Event & { extra: Record<string, unknown> }>(
      'GET',
      `/events/${event.id}`,
      'lead',
    ))!;
    expect(Date.parse(saved.start)).toBe(Date.parse(`${date}T16:30:00Z`));
    expect(Date.parse(saved.end)).toBe(Date.parse(`${date}T17:15:00Z`));
    expect(saved.extra.subtype).toBe('review');

    // A DEV sees it, with no edit or delete control; the edit form, reached by its address, gets the 403.
    const dev = await signIn('dev-plain');
    await openEvent(dev, saved);
    await dev.getByRole('link', { name: 'Back to the calendar' }).waitFor();
    expect(await dev.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await dev.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await dev.goto(`/#/events/${event.id}/edit`);
    await dev.getByRole('button', { name: 'Next' }).click();
    await dev.getByLabel('Title').fill('Hijacked');
    await dev.getByRole('button', { name: 'Next' }).click();
    await dev.getByRole('button', { name: 'Save changes' }).click();
    await expect(dev.getByRole('alert').textContent()).resolves.toBe(
      'Only the creator of an event or an ADMIN can change it',
    );
    expect((await call<Event>('GET', `/events/${event.id}`, 'lead'))!.title).toBe('Design review (moved)');

    // The creator deletes it, after confirming.
    await openEvent(page, saved);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('“Design review (moved)” was deleted.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    await call('GET', `/events/${event.id}`, 'lead', undefined, 404);
  });

  it('notifications: turning 2FA on in the UI leaves an unread notice; marking it read clears it', async () => {
    const page = await signIn('notify');
    await page.getByRole('link', { name: 'Two-factor' }).click();
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const phone = Authenticator.fromUrl((await page.getByTestId('otpauth-url').textContent()) ?? '');
    await page.getByLabel('Code from your app').fill(phone.next());
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();

    await page.getByRole('link', { name: /^Notifications/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page.getByLabel('1 unread').waitFor();
    await page.getByText('1 unread.').waitFor();
    const notice = page.locator('ul.notices li', {
      hasText: 'Two-factor authentication was turned on for your account.',
    });
    expect(await notice.getAttribute('class')).toBe('unread');
    await notice.getByRole('button', { name: 'Mark as read' }).click();
    await page.getByText('Nothing unread.').waitFor();
    expect(await page.locator('ul.notices li.unread').count()).toBe(0);
    expect(await page.getByLabel('1 unread').count()).toBe(0);
    // Turning 2FA on ended the account's other sessions (MFA-07): ask the API with this tab's.
    tokens.notify = await page.evaluate(
      "JSON.parse(sessionStorage.getItem('uyoop-cal.tokens')).access_token",
    );
    expect(await call<unknown[]>('GET', '/notifications?unread=true', 'notify')).toEqual([]);
  });

  it('REL-FAULT-01: a refresh that meets a 503 keeps the session and says so; once the API is back the tab goes on', async () => {
    const page = await signIn('lead');
    const stored = "JSON.parse(sessionStorage.getItem('uyoop-cal.tokens'))";
    const before = await page.evaluate<{ access_token: string; refresh_token: string }>(stored);
    // The access token has expired (a broken one is refused alike) while the API cannot answer refreshes.
    await page.evaluate(
      `sessionStorage.setItem('uyoop-cal.tokens', JSON.stringify({ ...${stored}, access_token: 'x.y.z' }))`,
    );
    await page.route('**/token/refresh', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        headers: { 'Retry-After': '5' },
        body: JSON.stringify({
          statusCode: 503,
          message: 'Service temporarily unavailable, try again shortly',
        }),
      }),
    );
    await page.goto('/#/notifications');
    await page.getByText('Service temporarily unavailable, try again shortly').first().waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
    expect((await page.evaluate<{ refresh_token: string }>(stored)).refresh_token).toBe(before.refresh_token);

    await page.unroute('**/token/refresh');
    await page.goto('/#/');
    await page.goto('/#/notifications');
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    expect((await page.evaluate<{ refresh_token: string }>(stored)).refresh_token).not.toBe(
      before.refresh_token,
    );
  });

  it('sign-in 2FA step: “Start over” goes back to the password; a used-up mfa_token sends the user back with the message', async () => {
    const page = await openPage();
    await page.goto('/');
    await page.getByLabel('Username').fill('guarded');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').waitFor();
    await page.getByRole('button', { name: 'Start over' }).click();
    await page.getByLabel('Password').waitFor();
    expect(await page.getByLabel('Authentication code').count()).toBe(0);
    expect(await page.getByLabel('Username').inputValue()).toBe('guarded');

    // The mfa_token allows 5 attempts; the 6th answer is the API's 401 about the token itself.
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    for (let i = 0; i < 5; i += 1) {
      await page.getByLabel('Authentication code').fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toBe('Invalid 2FA code');
    }
    await page.getByLabel('Authentication code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByLabel('Password').waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'This sign-in expired or had too many wrong codes. Please enter your password again.',
    );
    expect(await page.getByLabel('Authentication code').count()).toBe(0);

    // And from there a normal sign-in works.
    await signIn('guarded', page);
    await expect(page.getByTestId('whoami').textContent()).resolves.toContain('guarded');
  });
});
