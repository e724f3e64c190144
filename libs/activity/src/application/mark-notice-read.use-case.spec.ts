import type { Actor } from '@uyoop/shared';
import { FixedClock } from '@uyoop/shared/testing';
import { NoticeNotFound } from '../domain/activity.errors';
import { InMemoryNotices } from '../testing';
import { MarkNoticeRead } from './mark-notice-read.use-case';

const actor = (id: string): Actor => ({ id, username: 'someone', role: 'DEV', ip: null, sessionId: null });
const ALICE = actor('7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01');
const BOB = actor('1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d');
const CREATED = new Date('2026-03-01T08:00:00Z');

function setup() {
  const notices = new InMemoryNotices();
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  const mine = notices.add({
    userId: ALICE.id,
    kind: 'two_factor_enabled',
    message: 'Two-factor authentication was turned on for your account.',
    details: { ip: null },
    createdAt: CREATED,
  });
  return { notices, clock, mine, mark: new MarkNoticeRead(notices, clock) };
}

describe('MarkNoticeRead', () => {
  it('MFA-08: marks the caller’s notice read at the current time', async () => {
    const { notices, mine, mark } = setup();
    await mark.execute(ALICE, mine.id);
    expect(notices.all()).toEqual([{ ...mine, readAt: new Date('2026-03-02T09:00:00Z') }]);
  });

  it('another user’s notice is as absent as an unknown one, and stays unread', async () => {
    const { notices, mine, mark } = setup();
    await expect(mark.execute(BOB, mine.id)).rejects.toBeInstanceOf(NoticeNotFound);
    await expect(mark.execute(ALICE, '00000000-0000-4000-8000-00000000abcd')).rejects.toMatchObject({
      kind: 'not_found',
      code: 'ACTIVITY.NOTICE_NOT_FOUND',
      message: 'Notification not found',
    });
    expect(notices.all()[0]!.readAt).toBeNull();
  });

  it('marking a read notice again is no error and keeps when it was first read', async () => {
    const { notices, clock, mine, mark } = setup();
    await mark.execute(ALICE, mine.id);
    clock.advance(60_000);
    await expect(mark.execute(ALICE, mine.id)).resolves.toBeUndefined();
    expect(notices.all()[0]!.readAt).toEqual(new Date('2026-03-02T09:00:00Z'));
  });
});
