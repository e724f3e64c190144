import { ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { EventForbidden, EventNotFound } from '../domain/calendar.errors';
import { actorOf, aFreeze, errorOf, InMemoryFreezeRepository } from '../testing';
import { DeleteFreeze } from './delete-freeze.use-case';

async function setup() {
  const freezes = new InMemoryFreezeRepository();
  const freeze = aFreeze();
  await freezes.add(freeze);
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  return { freezes, freeze, audit, uow, remove: new DeleteFreeze(freezes, audit, uow) };
}

describe('DeleteFreeze', () => {
  it('an ADMIN deletes a freeze: gone, audited as freeze_deleted, in one unit of work', async () => {
    const { freezes, freeze, audit, uow, remove } = await setup();
    const admin = actorOf('ADMIN');
    await remove.execute(admin, freeze.id);
    expect(freezes.all()).toEqual([]);
    expect(audit.entries).toEqual([
      {
        action: 'freeze_deleted',
        actorId: admin.id,
        targetType: 'freeze',
        targetId: freeze.id,
        ip: admin.ip,
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it('an unknown freeze is a 404 and nothing is audited', async () => {
    const { freezes, audit, remove } = await setup();
    const error = await errorOf(remove.execute(actorOf('ADMIN'), '99999999-9999-4999-8999-999999999999'));
    expect(error).toBeInstanceOf(EventNotFound);
    expect(error).toMatchObject({ code: 'CALENDAR.EVENT_NOT_FOUND' });
    expect(freezes.all()).toHaveLength(1);
    expect(audit.entries).toEqual([]);
  });

  it.each(['PROJET', 'DEV', 'OPS'] as const)('AC-02: %s may not delete a freeze (403)', async (role) => {
    const { freezes, freeze, audit, remove } = await setup();
    const error = await errorOf(remove.execute(actorOf(role), freeze.id));
    expect(error).toBeInstanceOf(EventForbidden);
    expect(error).toMatchObject({ message: 'Only an ADMIN can delete freeze periods' });
    expect(freezes.all()).toEqual([freeze]);
    expect(audit.entries).toEqual([]);
  });
});
