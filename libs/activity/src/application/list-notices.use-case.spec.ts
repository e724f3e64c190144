import type { Actor } from '@uyoop/shared';
import { InMemoryNotices } from '../testing';
import { ListNotices, MAX_NOTICES } from './list-notices.use-case';

const actor = (id: string): Actor => ({ id, username: 'someone', role: 'DEV', ip: null, sessionId: null });
const ALICE = actor('7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01');
const BOB = actor('1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d');
const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute));

function notice(userId: string, minute: number, readAt: Date | null = null) {
  return {
    userId,
    kind: 'password_changed' as const,
    message: `changed at ${minute}`,
    details: { ip: null },
    createdAt: at(minute),
    readAt,
  };
}

describe('ListNotices', () => {
  it('MFA-08: lists the caller’s own notices only, newest first', async () => {
    const notices = new InMemoryNotices();
    notices.add(notice(ALICE.id, 1));
    notices.add(notice(BOB.id, 2));
    notices.add(notice(ALICE.id, 3, at(4)));
    const listed = await new ListNotices(notices).execute(ALICE, { unreadOnly: false });
    expect(listed.map((n) => [n.userId, n.message])).toEqual([
      [ALICE.id, 'changed at 3'],
      [ALICE.id, 'changed at 1'],
    ]);
    expect(
      (await new ListNotices(notices).execute(BOB, { unreadOnly: false })).map((n) => n.message),
    ).toEqual(['changed at 2']);
  });

  it('unreadOnly leaves out the notices already read', async () => {
    const notices = new InMemoryNotices();
    notices.add(notice(ALICE.id, 1));
    notices.add(notice(ALICE.id, 2, at(5)));
    const unread = await new ListNotices(notices).execute(ALICE, { unreadOnly: true });
    expect(unread.map((n) => n.message)).toEqual(['changed at 1']);
    expect(unread[0]!.readAt).toBeNull();
  });

  it('answers at most 100 notices, the newest', async () => {
    const notices = new InMemoryNotices();
    for (let minute = 0; minute < MAX_NOTICES + 20; minute += 1) notices.add(notice(ALICE.id, minute));
    const listed = await new ListNotices(notices).execute(ALICE, { unreadOnly: false });
    expect(MAX_NOTICES).toBe(100);
    expect(listed).toHaveLength(100);
    expect(listed[0]!.createdAt).toEqual(at(MAX_NOTICES + 19));
    expect(listed[99]!.createdAt).toEqual(at(20));
  });
});
