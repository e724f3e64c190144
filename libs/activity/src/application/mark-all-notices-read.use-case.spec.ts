import type { Actor } from '@uyoop/shared';
import { FixedClock } from '@uyoop/shared/testing';
import { InMemoryNotices } from '../testing';
import { MarkAllNoticesRead } from './mark-all-notices-read.use-case';

const actor = (id: string): Actor => ({ id, username: 'someone', role: 'DEV', ip: null, sessionId: null });
const ALICE = actor('7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01');
const BOB = actor('1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d');
const EARLIER = new Date('2026-03-01T12:00:00Z');
const NOW = new Date('2026-03-02T09:00:00Z');

function add(notices: InMemoryNotices, userId: string, readAt: Date | null = null) {
  return notices.add({
    userId,
    kind: 'backup_codes_regenerated',
    message: 'New backup codes were generated; the old ones no longer work.',
    details: { ip: null },
    createdAt: new Date('2026-03-01T08:00:00Z'),
    readAt,
  });
}

describe('MarkAllNoticesRead', () => {
  it('MFA-08: marks every unread notice of the caller read and counts them', async () => {
    const notices = new InMemoryNotices();
    add(notices, ALICE.id);
    add(notices, ALICE.id);
    const old = add(notices, ALICE.id, EARLIER);
    const bobs = add(notices, BOB.id);
    const markAll = new MarkAllNoticesRead(notices, new FixedClock(NOW));
    await expect(markAll.execute(ALICE)).resolves.toBe(2);
    const stored = notices.all();
    expect(stored.filter((n) => n.userId === ALICE.id).map((n) => n.readAt)).toEqual([NOW, NOW, EARLIER]);
    // Another user's notices are not touched.
    expect(stored.find((n) => n.id === bobs.id)!.readAt).toBeNull();
    expect(stored.find((n) => n.id === old.id)!.readAt).toEqual(EARLIER);
  });

  it('counts nothing once everything is read, or when there is nothing', async () => {
    const notices = new InMemoryNotices();
    add(notices, ALICE.id);
    const markAll = new MarkAllNoticesRead(notices, new FixedClock(NOW));
    await expect(markAll.execute(ALICE)).resolves.toBe(1);
    await expect(markAll.execute(ALICE)).resolves.toBe(0);
    await expect(markAll.execute(BOB)).resolves.toBe(0);
  });
});
