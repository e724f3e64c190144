import type { Actor, Role } from '@uyoop/shared';
import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { issueBackupCodes } from '../../application/two-factor/backup-codes';
import { CodeVerifier } from '../../application/two-factor/code-verifier';
import { keyNameFor } from '../../application/two-factor/setup-two-factor.use-case';
import { InMemorySessionRepository } from '../in-memory-session.repository';
import { FakeTotpEngine, type FakeTotpEngineOptions } from './fake-totp-engine';
import { InMemoryTwoFactorRepository } from './in-memory-two-factor.repository';
import { PlainCodeHasher } from './plain-code-hasher';

/** 15 s into a 30 s step, so a code of "now" stays valid while a test runs. */
export const TWO_FACTOR_START = new Date('2026-03-02T09:00:15Z');

export function actorOf(
  id: string,
  role: Role = 'DEV',
  sessionId: string | null = null,
  username = 'someone',
): Actor {
  return { id, username, role, ip: '203.0.113.7', sessionId };
}

/**
 * Everything a two-factor use case needs, in memory and on one fixed clock, with the code verifier
 * built over it; plus shortcuts to put a user in a known state.
 */
export function twoFactorWorld(options: FakeTotpEngineOptions = {}) {
  const clock = new FixedClock(TWO_FACTOR_START);
  const repo = new InMemoryTwoFactorRepository();
  const engine = new FakeTotpEngine(clock, options);
  const hasher = new PlainCodeHasher();
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  const sessions = new InMemorySessionRepository();
  const verifier = new CodeVerifier(repo, engine, hasher, audit, clock, uow);
  let sessionCount = 0;

  /** A pending enrolment as setup leaves it: a key and a pending credential. */
  async function pending(userId: string): Promise<{ keyName: string }> {
    const keyName = keyNameFor(userId);
    await engine.createKey(keyName, 'uyoop-cal', 'someone');
    await repo.savePending(userId, keyName, clock.now());
    return { keyName };
  }

  /** An active enrolment as enable leaves it, with its ten backup codes (as shown to the user). */
  async function enrolled(userId: string): Promise<{ keyName: string; backupCodes: string[] }> {
    const { keyName } = await pending(userId);
    const { codes, hashes } = await issueBackupCodes(hasher);
    await repo.activate(userId, hashes, clock.now());
    return { keyName, backupCodes: codes };
  }

  /** A live session of the user; the answer is its id. */
  async function session(userId: string): Promise<string> {
    sessionCount += 1;
    const id = `00000000-0000-4000-8000-${String(sessionCount).padStart(12, '0')}`;
    await sessions.create({
      id,
      userId,
      createdAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 86_400_000),
      deviceLabel: null,
      ip: null,
      firstTokenHash: `token-${id}`,
    });
    return id;
  }

  /** Which of these sessions are still live (not revoked). */
  function live(ids: string[]): string[] {
    return ids.filter((id) => sessions.get(id)?.revokedAt === null);
  }

  return { clock, repo, engine, hasher, audit, uow, sessions, verifier, pending, enrolled, session, live };
}

export type TwoFactorWorld = ReturnType<typeof twoFactorWorld>;
