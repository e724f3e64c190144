import { InMemoryAuditLog } from '@uyoop/shared/testing';
import { actorOf, aFreeze, errorOf, InMemoryFreezeRepository } from '../testing';
import { EnvironmentFrozen, FreezeGuard, type FreezeCheck } from './freeze-guard';

const EVENT_ID = '11111111-1111-4111-8111-111111111111';
const FROM = new Date('2026-03-10T10:00:00Z');
const TO = new Date('2026-03-10T11:00:00Z');

function setup() {
  const freezes = new InMemoryFreezeRepository();
  const audit = new InMemoryAuditLog();
  return { freezes, audit, guard: new FreezeGuard(freezes, audit) };
}

const windowOn = (environment: string, over: Partial<FreezeCheck> = {}): FreezeCheck => ({
  actor: actorOf('OPS'),
  event: { id: EVENT_ID, type: 'deployment_window', extra: { environment } },
  from: FROM,
  to: TO,
  ...over,
});

describe('FreezeGuard', () => {
  it('VAL-05: refuses a deployment window on a frozen environment with 409 CALENDAR.FROZEN naming the freeze', async () => {
    const { freezes, audit, guard } = setup();
    await freezes.add(aFreeze({ environment: 'prod', reason: 'quarter close' }));
    const error = await errorOf(guard.check(windowOn('prod')));
    expect(error).toBeInstanceOf(EnvironmentFrozen);
    expect(error).toMatchObject({
      kind: 'conflict',
      code: 'CALENDAR.FROZEN',
      message: 'prod is frozen until 2026-03-11T00:00:00.000Z: quarter close',
    });
    expect(audit.entries).toEqual([]);
  });

  it('VAL-05: lets a deployment window through on an environment that is not frozen', async () => {
    const { freezes, audit, guard } = setup();
    await freezes.add(aFreeze({ environment: 'prod' }));
    await expect(guard.check(windowOn('staging'))).resolves.toBeUndefined();
    expect(audit.entries).toEqual([]);
  });

  it('VAL-05: a freeze is the half-open range [start, end): a window starting as it ends passes', async () => {
    const { freezes, guard } = setup();
    await freezes.add(aFreeze({ start: new Date('2026-03-10T08:00:00Z'), end: FROM }));
    await expect(guard.check(windowOn('prod'))).resolves.toBeUndefined();
    await freezes.add(aFreeze({ start: TO, end: new Date('2026-03-10T12:00:00Z') }));
    await expect(guard.check(windowOn('prod'))).resolves.toBeUndefined();
    await freezes.add(aFreeze({ start: new Date('2026-03-10T10:59:59.999Z'), end: TO }));
    await expect(guard.check(windowOn('prod'))).rejects.toBeInstanceOf(EnvironmentFrozen);
  });

  it('VAL-05: refuses a git action during a freeze of any environment', async () => {
    const { freezes, guard } = setup();
    await freezes.add(aFreeze({ environment: 'dev' }));
    const check: FreezeCheck = {
      actor: actorOf('DEV'),
      event: {
        id: EVENT_ID,
        type: 'git_action',
        extra: { repo_url: 'https://git.example.org/a.git', branch: 'main', action: 'fetch' },
      },
      from: FROM,
      to: TO,
    };
    await expect(guard.check(check)).rejects.toMatchObject({ code: 'CALENDAR.FROZEN' });
  });

  it('never holds back a meeting', async () => {
    const { freezes, guard } = setup();
    await freezes.add(aFreeze({ environment: 'prod' }));
    await expect(
      guard.check({
        actor: actorOf('PROJET'),
        event: { id: EVENT_ID, type: 'meeting', extra: {} },
        from: FROM,
        to: TO,
      }),
    ).resolves.toBeUndefined();
  });

  it('names the freeze that ends last when several overlap', async () => {
    const { freezes, guard } = setup();
    await freezes.add(aFreeze({ reason: 'short', end: new Date('2026-03-10T12:00:00Z') }));
    await freezes.add(aFreeze({ reason: 'long', end: new Date('2026-03-20T00:00:00Z') }));
    await expect(guard.check(windowOn('prod'))).rejects.toThrow(
      'prod is frozen until 2026-03-20T00:00:00.000Z: long',
    );
  });

  it('VAL-05 / LOG-06: an ADMIN override with a reason goes ahead and is audited as freeze_overridden', async () => {
    const { freezes, audit, guard } = setup();
    const freeze = aFreeze({ environment: 'prod' });
    await freezes.add(freeze);
    const admin = actorOf('ADMIN');
    await guard.check(windowOn('prod', { actor: admin, overrideReason: 'hotfix for incident 42' }));
    expect(audit.entries).toEqual([
      {
        action: 'freeze_overridden',
        actorId: admin.id,
        targetType: 'event',
        targetId: EVENT_ID,
        ip: admin.ip,
        details: { freeze_id: freeze.id, environment: 'prod', reason: 'hotfix for incident 42' },
      },
    ]);
  });

  it('VAL-05: an ADMIN without a reason is refused like anyone else', async () => {
    const { freezes, audit, guard } = setup();
    await freezes.add(aFreeze());
    await expect(guard.check(windowOn('prod', { actor: actorOf('ADMIN') }))).rejects.toBeInstanceOf(
      EnvironmentFrozen,
    );
    await expect(
      guard.check(windowOn('prod', { actor: actorOf('ADMIN'), overrideReason: '' })),
    ).rejects.toBeInstanceOf(EnvironmentFrozen);
    expect(audit.entries).toEqual([]);
  });

  it.each(['PROJET', 'DEV', 'OPS'] as const)(
    'VAL-05: %s cannot override a freeze, reason or not',
    async (role) => {
      const { freezes, audit, guard } = setup();
      await freezes.add(aFreeze());
      await expect(
        guard.check(windowOn('prod', { actor: actorOf(role), overrideReason: 'please' })),
      ).rejects.toBeInstanceOf(EnvironmentFrozen);
      expect(audit.entries).toEqual([]);
    },
  );

  it('VAL-05: the server itself (no actor, the git scheduler) never overrides', async () => {
    const { freezes, audit, guard } = setup();
    await freezes.add(aFreeze());
    await expect(
      guard.check(windowOn('prod', { actor: null, overrideReason: 'scheduled' })),
    ).rejects.toBeInstanceOf(EnvironmentFrozen);
    expect(audit.entries).toEqual([]);
  });
});
