import type { AuditLog, Clock, UnitOfWork } from '@uyoop/shared';
import { type CodeCheck, CodeVerifier } from '../application/two-factor/code-verifier';
import type { CodeHasher } from '../application/two-factor/ports/code-hasher.port';
import type { TotpEngine } from '../application/two-factor/ports/totp-engine.port';
import type { TwoFactorRepository } from '../application/two-factor/ports/two-factor-repository.port';

const unused = <T>(name: string): T =>
  new Proxy(
    {},
    {
      get: () => {
        throw new Error(`ScriptedCodeVerifier does not use ${name}`);
      },
    },
  ) as T;

/**
 * A `CodeVerifier` whose answers are scripted per user and code, for the sign-in use cases: every
 * code not scripted is refused (a wrong code). Each `verifyAny` call is remembered.
 */
export class ScriptedCodeVerifier extends CodeVerifier {
  private readonly answers = new Map<string, CodeCheck>();
  readonly calls: { userId: string; code: unknown }[] = [];

  constructor() {
    super(
      unused<TwoFactorRepository>('TwoFactorRepository'),
      unused<TotpEngine>('TotpEngine'),
      unused<CodeHasher>('CodeHasher'),
      unused<AuditLog>('AuditLog'),
      unused<Clock>('Clock'),
      unused<UnitOfWork>('UnitOfWork'),
    );
  }

  /** `code` is a valid TOTP code of the user (single use: the second check refuses it, TOTP-01). */
  acceptTotp(userId: string, code: string): this {
    this.answers.set(`${userId}\u0000${code}`, { accepted: true, backupCodesRemaining: null });
    return this;
  }

  /** `code` is an unused backup code of the user; accepting it leaves `remaining`. */
  acceptBackupCode(userId: string, code: string, remaining: number): this {
    this.answers.set(`${userId}\u0000${code}`, { accepted: true, backupCodesRemaining: remaining });
    return this;
  }

  /** `code` is valid but refused for its step (TOTP-02): no guess. */
  tooSoon(userId: string, code: string): this {
    this.answers.set(`${userId}\u0000${code}`, { accepted: false, tooSoon: true });
    return this;
  }

  override async verifyAny(userId: string, code: unknown): Promise<CodeCheck> {
    this.calls.push({ userId, code });
    const key = `${userId}\u0000${String(code)}`;
    const answer = typeof code === 'string' ? this.answers.get(key) : undefined;
    if (!answer) return { accepted: false, tooSoon: false };
    if (answer.accepted) this.answers.delete(key);
    return answer;
  }

  override async verifyTotp(): Promise<'accepted' | 'refused' | 'too_soon'> {
    throw new Error('ScriptedCodeVerifier only answers verifyAny');
  }

  override async verifyBackupCode(): Promise<number | null> {
    throw new Error('ScriptedCodeVerifier only answers verifyAny');
  }
}
