import { createHmac } from 'node:crypto';

/**
 * An authenticator app, written from RFC 6238 / RFC 4226 with node:crypto alone — independent of the
 * otplib the server's local engine uses — so tests check interoperability, not self-consistency.
 */
export function parseOtpauthUrl(url: string): {
  label: string;
  secret: string;
  issuer: string;
  algorithm: string;
  digits: number;
  period: number;
} {
  const parsed = new URL(url);
  if (parsed.protocol !== 'otpauth:' || parsed.host !== 'totp') throw new Error(`not a TOTP URL: ${url}`);
  const q = parsed.searchParams;
  return {
    label: decodeURIComponent(parsed.pathname.slice(1)),
    secret: q.get('secret') ?? '',
    issuer: q.get('issuer') ?? '',
    algorithm: q.get('algorithm') ?? 'SHA1',
    digits: Number(q.get('digits') ?? 6),
    period: Number(q.get('period') ?? 30),
  };
}

export function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`bad base32 character ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totpAtStep(secretBase32: string, step: number, digits = 6): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(binary).padStart(digits, '0');
}

export function currentStep(period = 30, nowMs = Date.now()): number {
  return Math.floor(nowMs / 1000 / period);
}

/** Where the authenticator reads the time, and how it moves it on when it must (see `coarse`). */
export interface AuthenticatorClock {
  nowMs(): number;
  advance(ms: number): void;
}

const WALL_CLOCK: AuthenticatorClock = {
  nowMs: () => Date.now(),
  advance: () => {
    throw new Error('this authenticator has no clock it may move: pass a SteppingClock');
  },
};

export interface AuthenticatorOptions {
  clock?: AuthenticatorClock;
  /**
   * For a server whose engine accepts T−1..T+1 without telling which step matched (Vault): it then
   * takes the whole window as used, so a fresh code needs the server's step to have moved on by two.
   * `next()` moves the clock that far when it has to (TOTP-02).
   */
  coarse?: boolean;
}

/** Hands out codes the server has not seen, for steps inside its T−1..T+1 window. */
export class Authenticator {
  private lastStep = 0;
  /** The server's step when the last code was handed out (coarse mode). */
  private lastIssuedAt: number | null = null;
  private readonly clock: AuthenticatorClock;
  private readonly coarse: boolean;

  constructor(
    readonly secret: string,
    opts: AuthenticatorOptions = {},
  ) {
    this.clock = opts.clock ?? WALL_CLOCK;
    this.coarse = opts.coarse ?? false;
  }

  static fromUrl(url: string, opts: AuthenticatorOptions = {}): Authenticator {
    return new Authenticator(parseOtpauthUrl(url).secret, opts);
  }

  /** A code the server has not seen yet: the next step after the last one handed out. */
  next(): string {
    let now = currentStep(30, this.clock.nowMs());
    if (this.coarse) {
      if (this.lastIssuedAt !== null && now < this.lastIssuedAt + 2) {
        const target = this.lastIssuedAt + 2;
        this.clock.advance(target * 30_000 - this.clock.nowMs() + 1);
        now = target;
      }
      this.lastIssuedAt = now;
      this.lastStep = now;
      return totpAtStep(this.secret, now);
    }
    let step = Math.max(this.lastStep + 1, now - 1);
    const msLeftInStep = (now + 1) * 30_000 - this.clock.nowMs();
    if (step === now - 1 && msLeftInStep < 3_000) {
      // A code of step T−1 stops being valid when the server's step moves on, maybe while the request
      // is on its way: let the boundary pass first (a few seconds at most).
      this.pause(msLeftInStep + 1);
      now += 1;
      step = Math.max(this.lastStep + 1, now - 1);
    }
    if (step > now + 1) {
      if (this.clock === WALL_CLOCK)
        throw new Error('no fresh step left in the window; wait for the next period');
      // Every step of the window is used: move on until this one is the server's T+1.
      this.clock.advance((step - 1) * 30_000 - this.clock.nowMs() + 1);
    }
    this.lastStep = step;
    return totpAtStep(this.secret, step);
  }

  /** Lets time pass: the test clock moves on; the wall clock is waited for. */
  private pause(ms: number): void {
    if (this.clock === WALL_CLOCK) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    else this.clock.advance(ms);
  }

  at(offset: number): string {
    return totpAtStep(this.secret, currentStep(30, this.clock.nowMs()) + offset);
  }

  get last(): string {
    return totpAtStep(this.secret, this.lastStep);
  }

  get lastStepUsed(): number {
    return this.lastStep;
  }
}
