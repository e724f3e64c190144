import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { FieldValues } from './fields';
import {
  Base32Error,
  TOTP_ALGORITHMS,
  base32Decode,
  base32Encode,
  buildOtpAuthUrl,
  totpAt,
  validateTotp,
  type TotpAlgorithm,
  type TotpParams,
} from './totp';
import {
  NAME_RE,
  badRequest,
  empty,
  listResult,
  ok,
  route,
  unsupported,
  type Backend,
  type Clock,
  type Operation,
  type RequestContext,
  type Result,
  type RouteLookup,
} from './types';

interface TotpKey extends TotpParams {
  accountName: string;
  issuer: string;
  skew: number;
}

const KEY_FIELDS = {
  generate: 'bool',
  exported: 'bool',
  key_size: 'int',
  url: 'string',
  key: 'string',
  issuer: 'string',
  account_name: 'string',
  period: 'duration',
  algorithm: 'string',
  digits: 'int',
  skew: 'int',
  qr_size: 'int',
} as const;

const isInt = (s: string): boolean => /^[+-]?\d+$/.test(s);

/** The TOTP secrets engine, including its in-memory used-code cache. */
export class TotpBackend implements Backend {
  private readonly keys = new Map<string, TotpKey>();
  /** `<name>_<code>` → expiry (ms). Lives in RAM only: a restart forgets it. */
  private readonly usedCodes = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  clearUsedCodes(): void {
    this.usedCodes.clear();
  }

  match(rel: string, _op: Operation): RouteLookup {
    if (rel === 'keys/') return route({}, { list: () => listResult(this.keys.keys()) });
    const keyPath = /^keys\/(.+)$/.exec(rel);
    if (keyPath?.[1] !== undefined && NAME_RE.test(keyPath[1])) {
      const name = keyPath[1];
      return route(KEY_FIELDS, {
        read: () => this.readKey(name),
        update: (ctx) => this.writeKey(name, ctx.fields),
        delete: () => {
          this.keys.delete(name);
          return empty();
        },
      });
    }
    const codePath = /^code\/(.+)$/.exec(rel);
    if (codePath?.[1] !== undefined && NAME_RE.test(codePath[1])) {
      const name = codePath[1];
      return route(
        { code: 'string' },
        { read: (ctx) => this.generateCode(name, ctx), update: (ctx) => this.validateCode(name, ctx) },
      );
    }
    return unsupported;
  }

  private readKey(name: string): Result {
    const key = this.keys.get(name);
    if (!key) return empty();
    return ok({
      account_name: key.accountName,
      algorithm: key.algorithm,
      digits: key.digits,
      issuer: key.issuer,
      period: key.period,
    });
  }

  private async writeKey(name: string, f: FieldValues): Promise<Result> {
    const generate = f.bool('generate', false);
    let keyString = f.str('key');
    let url = f.str('url');
    let issuer = f.str('issuer');
    let accountName = f.str('account_name');
    let period = f.int('period', 30);
    let digits = f.int('digits', 6);
    let algorithm = f.str('algorithm', 'SHA1');
    const skew = f.int('skew', 1);
    const qrSize = f.int('qr_size', 200);
    const keySize = f.int('key_size', 20);

    if (generate && keyString !== '') return badRequest('a key should not be passed if generate is true');
    if (generate && url !== '') return badRequest('a url should not be passed if generate is true');
    if (url !== '') {
      let parsed: URL;
      let label: string;
      try {
        parsed = new URL(url);
        label = decodeURIComponent(parsed.pathname).replace(/^\//, '');
      } catch {
        return badRequest('an error occurred while parsing url string');
      }
      const q = parsed.searchParams;
      const colon = label.indexOf(':');
      const urlIssuer = q.get('issuer') ?? '';
      if (urlIssuer !== '') issuer = urlIssuer;
      else if (colon !== -1) issuer = label.slice(0, colon);
      accountName = colon === -1 ? label : label.slice(colon + 1);
      keyString = q.get('secret') ?? '';
      const urlPeriod = q.get('period') ?? '';
      if (urlPeriod !== '') {
        if (!isInt(urlPeriod)) return badRequest('an error occurred while parsing period value in url');
        period = Number.parseInt(urlPeriod, 10);
      }
      const urlDigits = q.get('digits') ?? '';
      if (urlDigits !== '') {
        if (!isInt(urlDigits)) return badRequest('an error occurred while parsing digits value in url');
        digits = Number.parseInt(urlDigits, 10);
      }
      algorithm = q.get('algorithm') || algorithm;
      url = '';
    }
    if (digits !== 6 && digits !== 8) return badRequest('the digits value can only be 6 or 8');
    if (!TOTP_ALGORITHMS.includes(algorithm as TotpAlgorithm))
      return badRequest('the algorithm value is not valid');
    if (period <= 0) return badRequest('the period value must be greater than zero');
    if (skew !== 0 && skew !== 1) return badRequest('the skew value must be 0 or 1');
    if (qrSize < 0) return badRequest('the qr_size value must be greater than or equal to zero');
    if (keySize <= 0) return badRequest('the key_size value must be greater than zero');

    const base = { accountName, issuer, algorithm: algorithm as TotpAlgorithm, digits, period, skew };
    if (!generate) {
      if (keyString === '') return badRequest('the key value is required');
      try {
        this.keys.set(name, { ...base, key: base32Decode(keyString) });
      } catch (err) {
        if (err instanceof Base32Error) return badRequest(`invalid key value: ${err.message}`);
        throw err;
      }
      return empty();
    }

    if (accountName === '') return badRequest('the account_name value is required for generated keys');
    if (issuer === '') return badRequest('the issuer value is required for generated keys');
    const key = randomBytes(keySize);
    this.keys.set(name, { ...base, key });
    if (!f.bool('exported', true)) return empty();
    const otpUrl = buildOtpAuthUrl({ ...base, secret: base32Encode(key) });
    if (qrSize === 0) return ok({ url: otpUrl });
    const png = await QRCode.toBuffer(otpUrl, { errorCorrectionLevel: 'M', width: qrSize });
    return ok({ barcode: png.toString('base64'), url: otpUrl });
  }

  private generateCode(name: string, ctx: RequestContext): Result {
    const key = this.keys.get(name);
    if (!key) return badRequest(`unknown key: ${name}`);
    return ok({ code: totpAt(key, ctx.now) });
  }

  private validateCode(name: string, ctx: RequestContext): Result {
    const code = ctx.fields.str('code').trim();
    if (code === '') return badRequest('the code value is required');
    const key = this.keys.get(name);
    if (!key) return badRequest(`unknown key: ${name}`);
    const now = this.clock();
    for (const [k, expiry] of this.usedCodes) if (expiry <= now) this.usedCodes.delete(k);
    const cacheKey = `${name}_${code}`;
    if (this.usedCodes.has(cacheKey)) return badRequest('code already used; wait until the next time period');
    const valid = validateTotp(key, code, now, key.skew);
    this.usedCodes.set(cacheKey, now + key.period * (2 + key.skew) * 1000);
    return ok({ valid });
  }
}
