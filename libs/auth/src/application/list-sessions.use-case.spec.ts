import { FixedClock } from '@uyoop/shared/testing';
import { NotAllowed } from '../domain/auth.errors';
import {
  actorOf,
  addUser,
  DAY,
  FakeAccessTokenIssuer,
  InMemorySessionRepository,
  InMemoryUserRepository,
  testAuthSettings,
} from '../testing';
import { ListSessions } from './list-sessions.use-case';
import { SessionStarter } from './session-starter';

async function setup() {
  const users = new InMemoryUserRepository();
  const sessions = new InMemorySessionRepository();
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  const starter = new SessionStarter(sessions, new FakeAccessTokenIssuer(), testAuthSettings(), clock);
  const alice = await addUser(users, { username: 'alice' });
  const bob = await addUser(users, { username: 'bob' });
  const root = await addUser(users, { username: 'root', role: 'ADMIN' });
  return { sessions, clock, starter, alice, bob, root, list: new ListSessions(sessions, clock) };
}

describe('ListSessions', () => {
  it('RT-06: a user lists their live sessions with device, address and times, most recently used first', async () => {
    const { sessions, clock, starter, alice, bob, list } = await setup();
    const laptop = await starter.start(alice, { ip: '198.51.100.1', userAgent: 'laptop' });
    clock.advance(60_000);
    const phone = await starter.start(alice, { ip: '198.51.100.2', userAgent: 'phone' });
    clock.advance(60_000);
    const ended = await starter.start(alice, { ip: null, userAgent: 'old tablet' });
    await sessions.revoke(ended.sessionId, 'logout', clock.now());
    await starter.start(bob, { ip: null, userAgent: 'bob' });

    const views = await list.execute(actorOf(alice), alice.id);

    expect(views).toEqual([
      {
        id: phone.sessionId,
        createdAt: new Date('2026-03-02T09:01:00Z'),
        lastUsedAt: new Date('2026-03-02T09:01:00Z'),
        expiresAt: new Date(new Date('2026-03-02T09:01:00Z').getTime() + 30 * DAY),
        deviceLabel: 'phone',
        ip: '198.51.100.2',
      },
      {
        id: laptop.sessionId,
        createdAt: new Date('2026-03-02T09:00:00Z'),
        lastUsedAt: new Date('2026-03-02T09:00:00Z'),
        expiresAt: new Date(new Date('2026-03-02T09:00:00Z').getTime() + 30 * DAY),
        deviceLabel: 'laptop',
        ip: '198.51.100.1',
      },
    ]);
  });

  it('RT-04: sessions past their absolute end are not listed', async () => {
    const { clock, starter, alice, list } = await setup();
    await starter.start(alice, { ip: null, userAgent: null });
    clock.advance(30 * DAY);
    await expect(list.execute(actorOf(alice), alice.id)).resolves.toEqual([]);
  });

  it("RT-06: an ADMIN lists another user's sessions", async () => {
    const { starter, alice, root, list } = await setup();
    const s = await starter.start(alice, { ip: null, userAgent: null });
    const views = await list.execute(actorOf(root), alice.id);
    expect(views.map((v) => v.id)).toEqual([s.sessionId]);
  });

  it("RT-06: a non-ADMIN cannot list another user's sessions", async () => {
    const { starter, alice, bob, list } = await setup();
    await starter.start(alice, { ip: null, userAgent: null });
    // (execute is not async: the refusal is thrown synchronously; an awaiting caller sees it the same)
    const attempt = async () => list.execute(actorOf(bob), alice.id);
    await expect(attempt).rejects.toBeInstanceOf(NotAllowed);
    await expect(attempt).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });
});
