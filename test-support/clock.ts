import type { VaultTarget } from './vault-target';
import { Clock } from '@uyoop/shared';

/**
 * One clock for the app (its `Clock`), the Vault emulator and the test authenticator, that tests move
 * forward. Moving it is virtual, unless some party's clock cannot be moved (a real Vault): then it
 * waits for real, blocking, as long as asked.
 */
export class SteppingClock extends Clock {
  private offsetMs = 0;

  constructor(private readonly virtual = true) {
    super();
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (ms <= 0) return;
    if (this.virtual) this.offsetMs += ms;
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }
}

/** The clock for a test run against this Vault: the emulator follows it; a real Vault is waited for. */
export function steppingClockFor(target?: VaultTarget): SteppingClock {
  const clock = new SteppingClock(!target || target.emulator !== undefined);
  target?.emulator?.setClock(() => clock.nowMs());
  return clock;
}
