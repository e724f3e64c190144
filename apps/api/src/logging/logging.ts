import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Env } from '../config/env';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Paths removed from every log line: credentials, tokens and secrets, wherever they appear (LOG-02). */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-vault-token"]',
  'req.headers["x-user-id"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.mfa_token',
  '*.totp_code',
  '*.code',
  '*.secret',
  '*.secret_id',
  '*.client_token',
  '*.backup_codes',
  '*.database_url',
  '*.DATABASE_URL',
];

/** Query parameters whose values never reach a log (the iCal feed token travels in the URL). */
const SECRET_QUERY = /([?&](?:token|access_token|refresh_token|code|secret)=)[^&#]*/gi;

export function redactUrl(url: string | undefined): string {
  return (url ?? '').replace(SECRET_QUERY, '$1[Redacted]');
}

/** Keeps an incoming X-Request-Id when it is well-formed, otherwise makes one; echoes it back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export function loggerParams(env: Pick<Env, 'LOG_LEVEL'>, destination?: DestinationStream): Params {
  return {
    pinoHttp: [
      {
        level: env.LOG_LEVEL,
        genReqId: requestId,
        redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
        customLogLevel: (_req, res, err) =>
          err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        serializers: {
          req: (req: {
            id: string;
            method: string;
            url: string;
            remoteAddress?: string;
            headers?: Record<string, string>;
          }) => ({
            id: req.id,
            method: req.method,
            url: redactUrl(req.url),
            remoteAddress: req.remoteAddress,
            userAgent: req.headers?.['user-agent'],
          }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
        base: { service: 'uyoop-cal-api' },
        timestamp: () => `,"time":"${new Date().toISOString()}"`,
      },
      destination ?? process.stdout,
    ],
  };
}
