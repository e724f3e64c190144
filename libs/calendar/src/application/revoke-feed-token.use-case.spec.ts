import { ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { actorOf, InMemoryFeedTokenRepository, USERS } from '../testing';
import { RevokeFeedToken } from './revoke-feed-token.use-case';

function setup() {
  const tokens = new InMemoryFeedTokenRepository();
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  return { tokens, audit, uow, revoke: new RevokeFeedToken(tokens, audit, uow) };
}

describe('RevokeFeedToken', () => {
  it('AUTH-08: revokes the caller’s token only, audited as feed_token_revoked', async () => {
    const { tokens, audit, revoke } = setup();
    await tokens.set(USERS.OPS, 'ops-hash', new Date());
    await tokens.set(USERS.DEV, 'dev-hash', new Date());
    const ops = actorOf('OPS');
    await revoke.execute(ops);
    await expect(tokens.ownerIdOf('ops-hash')).resolves.toBeNull();
    await expect(tokens.ownerIdOf('dev-hash')).resolves.toBe(USERS.DEV);
    expect(audit.entries).toEqual([
      { action: 'feed_token_revoked', actorId: ops.id, targetType: 'user', targetId: ops.id, ip: ops.ip },
    ]);
  });

  it('without a token it does nothing and audits nothing', async () => {
    const { audit, revoke } = setup();
    await expect(revoke.execute(actorOf('OPS'))).resolves.toBeUndefined();
    expect(audit.entries).toEqual([]);
  });

  it('LOG-TX-01: the revocation and its audit entry are written in one unit of work', async () => {
    const { tokens, audit, uow, revoke } = setup();
    await tokens.set(USERS.DEV, 'dev-hash', new Date());
    await revoke.execute(actorOf('DEV'));
    expect(uow.runs).toBe(1);
    expect(audit.actions()).toEqual(['feed_token_revoked']);
  });
});
