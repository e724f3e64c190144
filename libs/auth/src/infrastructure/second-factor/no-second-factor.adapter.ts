import { Injectable } from '@nestjs/common';
import { SecondFactor } from '../../application/ports/second-factor.port';

/**
 * Until a two-factor adapter is bound, no code is ever accepted: a user with 2FA enabled cannot
 * complete a login (fail closed), everyone else is unaffected.
 */
@Injectable()
export class NoSecondFactor extends SecondFactor {
  async verify(): Promise<boolean> {
    return false;
  }
}
