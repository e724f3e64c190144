import type { NextFunction, Request, Response } from 'express';
import cors from 'cors';
import helmet from 'helmet';

/**
 * Headers on every response, errors and 429 included (HDR-01): the API renders no documents, so its
 * CSP forbids everything; browsers get no features; nothing is cached unless a route says so.
 */
export const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'object-src': ["'none'"],
      'form-action': ["'none'"],
    },
  },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  xPoweredBy: false,
});

const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'camera=()',
  'display-capture=()',
  'fullscreen=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
].join(', ');

export function extraSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
}

let headerList: ReadonlyArray<readonly [string, string]> | undefined;

/**
 * The headers the two middlewares above set, as `[name, value]` pairs, for answers written where no
 * Express middleware runs (the HTTP parser's own errors, a URL Express cannot decode: see
 * transport-errors.ts). Recorded once from the middlewares themselves, so both kinds of answers
 * carry the same headers from one source.
 */
export function securityHeaderList(): ReadonlyArray<readonly [string, string]> {
  if (headerList) return headerList;
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: number | string | readonly string[]) => {
      headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader: (name: string) => headers.delete(name),
  } as unknown as Response;
  const next = (error?: unknown): void => {
    if (error !== undefined) throw error;
  };
  securityHeaders({} as Request, recorder, next);
  extraSecurityHeaders({} as Request, recorder, next);
  headerList = [...headers];
  return headerList;
}

/**
 * CORS for the configured origins only (HDR-04), as middleware after the headers above so that a
 * preflight answer carries them too. Any other Origin gets no Access-Control-* header.
 */
export function corsFor(
  origins: readonly string[],
): (req: Request, res: Response, next: NextFunction) => void {
  if (origins.length === 0) return (_req, _res, next) => next();
  const allowed = new Set(origins);
  return cors({
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    credentials: false,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Deprecation', 'Sunset', 'Link'],
    maxAge: 600,
  });
}
