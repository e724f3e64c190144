import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import type { Role } from '@uyoop/shared';
import type { CalendarEvent } from '../domain/calendar-event';
import type { UserStanding } from '../domain/user-standing';
import { InvalidFeedToken } from '../domain/calendar.errors';
import {
  actorOf,
  anEvent,
  errorOf,
  InMemoryEventRepository,
  InMemoryAccounts,
  InMemoryFeedTokenRepository,
  USERS,
} from '../testing';
import { IssueFeedToken } from './issue-feed-token.use-case';
import { RenderCalendarFeed } from './render-calendar-feed.use-case';
import { RevokeFeedToken } from './revoke-feed-token.use-case';

const NOW = new Date('2026-03-02T09:00:00Z');
const DAY = 24 * 3_600_000;

const standing = (role: Role): UserStanding => ({ active: true, role, hasSecondFactor: false });

const uids = (ics: string): string[] =>
  [...ics.matchAll(/^UID:([0-9a-f-]{36})@uyoop-cal\r$/gm)].map((m) => m[1] ?? '');

function setup(...stored: CalendarEvent[]) {
  const tokens = new InMemoryFeedTokenRepository();
  const accounts = new InMemoryAccounts();
  for (const role of ['ADMIN', 'PROJET', 'DEV', 'OPS'] as const) accounts.set(USERS[role], standing(role));
  accounts.set(USERS.PROJET2, standing('PROJET'));
  const events = new InMemoryEventRepository();
  events.seed(...stored);
  const audit = new InMemoryAuditLog();
  const clock = new FixedClock(NOW);
  return {
    tokens,
    accounts,
    issue: new IssueFeedToken(tokens, audit, clock, new ImmediateUnitOfWork()),
    revoke: new RevokeFeedToken(tokens, audit, new ImmediateUnitOfWork()),
    render: new RenderCalendarFeed(tokens, accounts, events, clock),
  };
}

const at = (ms: number): Pick<CalendarEvent, 'start' | 'end'> => ({
  start: new Date(NOW.getTime() + ms),
  end: new Date(NOW.getTime() + ms + 3_600_000),
});

describe('RenderCalendarFeed', () => {
  it('renders, for a valid token, the events from 30 days ago to a year ahead as iCalendar', async () => {
    const inside = anEvent({ title: 'Planning', ...at(DAY) });
    const recent = anEvent({ ...at(-29 * DAY) });
    const tooOld = anEvent({ ...at(-31 * DAY) });
    const tooFar = anEvent({ ...at(366 * DAY) });
    const { issue, render } = setup(inside, recent, tooOld, tooFar);
    const token = await issue.execute(actorOf('DEV'));
    const ics = await render.execute(token);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('SUMMARY:Planning\r\n');
    expect(uids(ics).sort()).toEqual([inside.id, recent.id].sort());
  });

  it('AC-03: the feed leaves out other users’ private meetings; its owner’s and, for an ADMIN, all are in', async () => {
    const open = anEvent({ ...at(DAY) });
    const mine = anEvent({ ...at(2 * DAY), extra: { private: true }, createdBy: USERS.PROJET });
    const theirs = anEvent({ ...at(3 * DAY), extra: { private: true }, createdBy: USERS.PROJET2 });
    const { issue, render } = setup(open, mine, theirs);
    const feedOf = async (role: 'ADMIN' | 'PROJET' | 'DEV') =>
      uids(await render.execute(await issue.execute(actorOf(role))));
    expect(await feedOf('PROJET')).toEqual([open.id, mine.id]);
    expect(await feedOf('DEV')).toEqual([open.id]);
    expect(await feedOf('ADMIN')).toEqual([open.id, mine.id, theirs.id]);
  });

  it('AC-03: the owner’s current role decides, not the role they had when the token was issued', async () => {
    const theirs = anEvent({ ...at(DAY), extra: { private: true }, createdBy: USERS.PROJET2 });
    const { accounts, issue, render } = setup(theirs);
    const token = await issue.execute(actorOf('ADMIN'));
    expect(uids(await render.execute(token))).toEqual([theirs.id]);
    accounts.set(USERS.ADMIN, standing('DEV'));
    expect(uids(await render.execute(token))).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['too short', 'abc'],
    ['with a character outside base64url', `${'a'.repeat(42)}.`],
    ['too long', 'a'.repeat(44)],
  ])('AUTH-08: a %s token is a 401 CALENDAR.INVALID_FEED_TOKEN', async (_, token) => {
    const { render } = setup();
    const error = await errorOf(render.execute(token));
    expect(error).toBeInstanceOf(InvalidFeedToken);
    expect(error).toMatchObject({
      kind: 'unauthenticated',
      code: 'CALENDAR.INVALID_FEED_TOKEN',
      message: 'Invalid or revoked feed token',
    });
  });

  it('AUTH-08: a well-formed but unknown token is a 401', async () => {
    const { render } = setup(anEvent({ ...at(DAY) }));
    await expect(render.execute('A'.repeat(43))).rejects.toBeInstanceOf(InvalidFeedToken);
  });

  it('AUTH-08: a revoked token, or one replaced by a newer one, is a 401', async () => {
    const { issue, revoke, render } = setup();
    const replaced = await issue.execute(actorOf('OPS'));
    const current = await issue.execute(actorOf('OPS'));
    await expect(render.execute(replaced)).rejects.toBeInstanceOf(InvalidFeedToken);
    await expect(render.execute(current)).resolves.toContain('BEGIN:VCALENDAR');
    await revoke.execute(actorOf('OPS'));
    await expect(render.execute(current)).rejects.toBeInstanceOf(InvalidFeedToken);
  });

  it('AUTH-08: the token of a deactivated user is a 401', async () => {
    const { accounts, issue, render } = setup();
    const token = await issue.execute(actorOf('OPS'));
    accounts.set(USERS.OPS, { ...standing('OPS'), active: false });
    await expect(render.execute(token)).rejects.toBeInstanceOf(InvalidFeedToken);
  });

  it('AUTH-08: a token whose owner identity does not know (any more) is a 401', async () => {
    const { accounts, issue, render } = setup();
    const token = await issue.execute(actorOf('DEV'));
    accounts.forget(USERS.DEV);
    await expect(render.execute(token)).rejects.toBeInstanceOf(InvalidFeedToken);
  });
});
