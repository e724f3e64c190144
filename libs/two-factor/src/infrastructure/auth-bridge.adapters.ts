import { Injectable } from '@nestjs/common';
import { SecondFactor, type SecondFactorCheck, SessionRepository } from '@uyoop/auth';
import { Clock } from '@uyoop/shared';
import { CodeVerifier } from '../application/code-verifier';
import { SessionTerminator } from '../application/ports/session-terminator.port';

/** What login asks of two-factor: is this TOTP or backup code good for this user? */
@Injectable()
export class TwoFactorSecondFactor extends SecondFactor {
  constructor(private readonly verifier: CodeVerifier) {
    super();
  }

  async verify(userId: string, code: string): Promise<SecondFactorCheck> {
    const check = await this.verifier.verifyAny(userId, code);
    return check.accepted ? check : { accepted: false, countsAsFailure: !check.tooSoon };
  }
}

@Injectable()
export class AuthSessionTerminator extends SessionTerminator {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  endAllSessions(userId: string, reason: string): Promise<number> {
    return this.sessions.revokeAllForUser(userId, reason, this.clock.now());
  }

  endOtherSessions(userId: string, keepSessionId: string | null, reason: string): Promise<number> {
    return this.sessions.revokeAllForUser(userId, reason, this.clock.now(), keepSessionId ?? undefined);
  }
}
