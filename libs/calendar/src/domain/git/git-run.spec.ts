import type { CalendarEvent } from '../calendar-event';
import { GIT_ACTIONS } from '../event-rules';
import {
  assertAllowedHost,
  assertMayRun,
  assertRunnable,
  gitCommands,
  mayRunUnattended,
  redactOutput,
} from './git-run';

const URL = 'https://git.example.test/team/app.git';

const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  id: 'e1',
  title: 'fetch',
  start: new Date('2026-05-04T10:00:00Z'),
  end: new Date('2026-05-04T10:30:00Z'),
  type: 'git_action',
  extra: { repo_url: URL, branch: 'main', action: 'fetch' },
  createdBy: 'dev-1',
  createdAt: new Date('2026-05-01T00:00:00Z'),
  updatedAt: new Date('2026-05-01T00:00:00Z'),
  status: 'approved',
  ...over,
});

describe('git actions (domain)', () => {
  it.each(GIT_ACTIONS)(
    'GIT-02: %s puts the URL and branch only after --end-of-options or as --opt=value',
    (action) => {
      for (const args of gitCommands(action, URL, 'feature/x')) {
        const endOfOptions = args.indexOf('--end-of-options');
        args.forEach((arg, i) => {
          if (arg === URL || arg === 'refs/heads/feature/x') expect(endOfOptions).toBeGreaterThanOrEqual(0);
          if (arg === URL || arg === 'refs/heads/feature/x') expect(i).toBeGreaterThan(endOfOptions);
          if (arg.includes('feature/x') && i < endOfOptions) expect(arg).toBe('--branch=feature/x');
        });
        expect(args.join(' ')).not.toMatch(/--upload-pack|--exec|-c /);
      }
    },
  );

  it('VAL-08: approved and inside its slot, or a 409 that says why', () => {
    expect(() => assertRunnable(event(), new Date('2026-05-04T10:10:00Z'))).not.toThrow();
    expect(() => assertRunnable(event({ status: 'pending' }), new Date('2026-05-04T10:10:00Z'))).toThrow(
      'This git action is pending: an ADMIN must approve it before it can run',
    );
    expect(() => assertRunnable(event(), new Date('2026-05-04T09:59:59Z'))).toThrow(/can run only between/);
    expect(() => assertRunnable(event(), new Date('2026-05-04T10:30:00Z'))).toThrow(/can run only between/);
  });

  it('contract: ADMIN runs any, DEV its own, nobody else', () => {
    expect(() => assertMayRun('ADMIN', 'x', event())).not.toThrow();
    expect(() => assertMayRun('DEV', 'dev-1', event())).not.toThrow();
    expect(() => assertMayRun('DEV', 'dev-2', event())).toThrow('DEV can only run git actions they created');
    expect(() => assertMayRun('OPS', 'dev-1', event())).toThrow('OPS role cannot run git actions');
  });

  it('GIT-07: an unattended run only for a creator who could run it by hand: active, second factor, ADMIN or DEV', () => {
    const ok = { active: true, hasSecondFactor: true };
    expect(mayRunUnattended(event(), { ...ok, role: 'DEV' })).toBe(true);
    expect(mayRunUnattended(event(), { ...ok, role: 'ADMIN' })).toBe(true);
    expect(mayRunUnattended(event(), { ...ok, role: 'OPS' })).toBe(false);
    expect(mayRunUnattended(event(), { ...ok, role: 'PROJET' })).toBe(false);
    expect(mayRunUnattended(event(), { ...ok, role: 'DEV', active: false })).toBe(false);
    expect(mayRunUnattended(event(), { ...ok, role: 'DEV', hasSecondFactor: false })).toBe(false);
    expect(mayRunUnattended(event(), undefined)).toBe(false);
  });

  it('GIT-04: only allowed hosts, compared in lower case', () => {
    expect(() => assertAllowedHost('https://GIT.example.test/x.git', ['git.example.test'])).not.toThrow();
    expect(() => assertAllowedHost(URL, [])).toThrow('No repository host is allowed on this server');
    expect(() => assertAllowedHost(URL, ['github.com'])).toThrow(
      'Repository host git.example.test is not allowed (allowed: github.com)',
    );
  });

  it('GIT-08: output shown to clients has no credentials, no control characters, at most 64 KB', () => {
    expect(redactOutput('fatal: https://bot:tok123@git.example.test/x.git\u001b[31m', ['tok123'])).toBe(
      'fatal: https://***@git.example.test/x.git[31m',
    );
    expect(redactOutput('token tok123 leaked', ['tok123'])).toBe('token *** leaked');
    const long = redactOutput('x'.repeat(70 * 1024), []);
    expect(long.startsWith('[…output truncated…]\n')).toBe(true);
    expect(Buffer.byteLength(long)).toBeLessThan(65 * 1024);
  });
});
