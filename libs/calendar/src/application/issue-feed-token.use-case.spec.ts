import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { createHash } from 'node:crypto';
import { actorOf, InMemoryFeedTokenRepository, USERS } from '../testing';
import { IssueFeedToken } from './issue-feed-token.use-case';

const NOW = new Date('2026-03-02T09:00:00Z');
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function setup() {
  const tokens = new InMemoryFeedTokenRepository();
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  return { tokens, audit, uow, issue: new IssueFeedToken(tokens, audit, new FixedClock(NOW), uow) };
}

describe('IssueFeedToken', () => {
  it('AUTH-08: returns a 256-bit base64url token, stores only its SHA-256, audits feed_token_issued', async () => {
    const { tokens, audit, issue } = setup();
    const dev = actorOf('DEV');
    const token = await issue.execute(dev);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.tokens.get(dev.id)).toEqual({ tokenHash: sha256(token), createdAt: NOW });
    expect(JSON.stringify([...tokens.tokens.values()])).not.toContain(token);
    await expect(tokens.ownerIdOf(sha256(token))).resolves.toBe(dev.id);
    expect(audit.entries).toEqual([
      { action: 'feed_token_issued', actorId: dev.id, targetType: 'user', targetId: dev.id, ip: dev.ip },
    ]);
  });

  it('AUTH-08: a new token replaces the previous one, which stops naming its owner', async () => {
    const { tokens, audit, issue } = setup();
    const first = await issue.execute(actorOf('DEV'));
    const second = await issue.execute(actorOf('DEV'));
    expect(second).not.toBe(first);
    await expect(tokens.ownerIdOf(sha256(first))).resolves.toBeNull();
    await expect(tokens.ownerIdOf(sha256(second))).resolves.toBe(USERS.DEV);
    expect(tokens.tokens.size).toBe(1);
    expect(audit.actions()).toEqual(['feed_token_issued', 'feed_token_issued']);
  });

  it('LOG-TX-01: the token and its audit entry are written in one unit of work', async () => {
    const { audit, uow, issue } = setup();
    await issue.execute(actorOf('DEV'));
    expect(uow.runs).toBe(1);
    expect(audit.actions()).toEqual(['feed_token_issued']);
  });
});
