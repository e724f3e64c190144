import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { isUuid } from '@uyoop/shared';
import { EventForbidden, InvalidEvent } from '../domain/calendar.errors';
import { actorOf, errorOf, InMemoryFreezeRepository } from '../testing';
import { CreateFreeze } from './create-freeze.use-case';

const NOW = new Date('2026-03-02T09:00:00Z');
const DAY = 24 * 3_600_000;
const START = new Date('2026-12-20T00:00:00Z');

function setup() {
  const freezes = new InMemoryFreezeRepository();
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  return { freezes, audit, uow, create: new CreateFreeze(freezes, audit, new FixedClock(NOW), uow) };
}

const input = (end = new Date('2027-01-04T00:00:00Z')) => ({
  environment: 'prod',
  start: START,
  end,
  reason: 'year-end freeze',
});

describe('CreateFreeze', () => {
  it('an ADMIN defines a freeze: stored, audited as freeze_created, in one unit of work', async () => {
    const { freezes, audit, uow, create } = setup();
    const admin = actorOf('ADMIN');
    const freeze = await create.execute(admin, input());
    expect(isUuid(freeze.id)).toBe(true);
    expect(freeze).toEqual({ id: freeze.id, ...input(), createdBy: admin.id, createdAt: NOW });
    expect(freezes.all()).toEqual([freeze]);
    expect(audit.entries).toEqual([
      {
        action: 'freeze_created',
        actorId: admin.id,
        targetType: 'freeze',
        targetId: freeze.id,
        ip: admin.ip,
        details: { environment: 'prod' },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it.each(['PROJET', 'DEV', 'OPS'] as const)('AC-02: %s may not define a freeze (403)', async (role) => {
    const { freezes, audit, create } = setup();
    const error = await errorOf(create.execute(actorOf(role), input()));
    expect(error).toBeInstanceOf(EventForbidden);
    expect(error).toMatchObject({
      code: 'CALENDAR.FORBIDDEN',
      message: 'Only an ADMIN can define freeze periods',
    });
    expect(freezes.all()).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it.each([
    ['empty', START, 'end must be after start'],
    ['reversed', new Date(START.getTime() - 1), 'end must be after start'],
    ['over 90 days', new Date(START.getTime() + 90 * DAY + 1), 'a freeze may last at most 90 days'],
  ])('VAL-02: refuses an %s freeze (400)', async (_, end, message) => {
    const { freezes, create } = setup();
    const error = await errorOf(create.execute(actorOf('ADMIN'), input(end)));
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error).toMatchObject({ code: 'CALENDAR.INVALID_EVENT', message });
    expect(freezes.all()).toEqual([]);
  });

  it('accepts a freeze of exactly 90 days', async () => {
    const { freezes, create } = setup();
    await create.execute(actorOf('ADMIN'), input(new Date(START.getTime() + 90 * DAY)));
    expect(freezes.all()).toHaveLength(1);
  });
});
