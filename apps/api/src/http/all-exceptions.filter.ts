import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { AuditLog, type ErrorKind, isDomainError } from '@uyoop/shared';
import { countDependencyUnavailable, type UnavailableDependency } from '@uyoop/shared/nest';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { errorBody, type ErrorBody } from './error-body';

const KIND_STATUS: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  forbidden: HttpStatus.FORBIDDEN,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  too_many_requests: HttpStatus.TOO_MANY_REQUESTS,
};

/** Errors raised by Express's body parser before any route runs, by their `type`. */
const BODY_PARSER_ERRORS: Record<string, [number, string]> = {
  'entity.too.large': [HttpStatus.PAYLOAD_TOO_LARGE, 'Request body is larger than the 100 kB limit'],
  'entity.parse.failed': [HttpStatus.BAD_REQUEST, 'Request body is not valid JSON'],
  'entity.verify.failed': [HttpStatus.BAD_REQUEST, 'Request body is not valid JSON'],
  'encoding.unsupported': [HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Unsupported content encoding'],
  'charset.unsupported': [HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Unsupported charset: send UTF-8 JSON'],
  'request.aborted': [HttpStatus.BAD_REQUEST, 'Request was aborted'],
  'request.size.invalid': [HttpStatus.BAD_REQUEST, 'Request body length does not match Content-Length'],
};

/** Seconds a client should wait before retrying a 503 (REL-FAULT-01): about a health-check period. */
export const RETRY_AFTER_SECONDS = 5;

/** Error codes that mean the database cannot answer right now: answered 503, never 500. */
const UNAVAILABLE_CODES = new Set([
  // sockets
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: statement_timeout, lock_timeout, idle-in-transaction timeout, shutting down or
  // starting, too many connections (any class 08 connection exception is matched below)
  '57014',
  '55P03',
  '25P03',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** Messages of the pg driver and pool and of TypeORM for a database that is gone or too slow. */
const DATABASE_MESSAGES = [
  /^Query read timeout$/, // pg query_timeout (DB_STATEMENT_TIMEOUT_MS + 1 s)
  /^timeout exceeded when trying to connect$/, // pg-pool: no connection within DB_CONNECT_TIMEOUT_MS
  /^Connection terminated/, // pg: connect timeout, server gone mid-query
  /^Client was closed and is not queryable$/,
  /^Client has encountered a connection error and is not queryable$/,
  /Connection is not established/,
];

/** ioredis: a command past REDIS_COMMAND_TIMEOUT_MS, a closed connection, no offline queue, retries spent. */
const REDIS_MESSAGES =
  /^(Command timed out$|Connection is closed\.?$|Stream isn't writeable and enableOfflineQueue|Reached the max retries per request limit)/;
const REDIS_NAMES = new Set(['MaxRetriesPerRequestError', 'RateLimitStoreUnavailable']);

/** Our own deadlines: AbortSignal.timeout(), rxjs timeout(), terminus. */
const DEADLINE_NAMES = new Set(['TimeoutError']);

type Dependency = UnavailableDependency;

/**
 * The one place where errors become HTTP answers. Domain errors map by kind; anything unexpected is
 * logged with its request id and becomes a bare 500. No stack, SQL or secret ever reaches a client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly audit: AuditLog) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    this.respond(exception, host).catch((error: unknown) =>
      this.logger.error({ err: error }, 'Could not answer an error response'),
    );
  }

  /** The denial is on record before the client hears of it (AC-06): no answer outruns its audit row. */
  private async respond(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const requestId = typeof req.id === 'string' ? req.id : undefined;
    const body = this.toBody(exception, requestId);
    // Nest's "Cannot GET <url>" would echo the query string, credentials included (AUTH-08).
    if (
      body.statusCode === HttpStatus.NOT_FOUND &&
      typeof body.message === 'string' &&
      body.message.startsWith('Cannot ')
    ) {
      body.message = `Cannot ${req.method} ${req.path}`;
    }
    if (isDomainError(exception) && exception.kind === 'forbidden')
      await this.auditDenial(req, exception.code);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (body.statusCode === HttpStatus.UNAUTHORIZED) res.setHeader('WWW-Authenticate', 'Bearer');
    // Every 503 says when to come back: clients (the web app first) retry instead of signing out.
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE && res.getHeader('Retry-After') === undefined)
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const headers =
      exception instanceof HttpException
        ? (exception as { headers?: Record<string, string> }).headers
        : undefined;
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    res.status(body.statusCode).type('application/json; charset=utf-8').send(JSON.stringify(body));
  }

  /** A refusal decided by a use case (object level: another user's account…) is audited (AC-06). */
  private async auditDenial(req: Request, code: string): Promise<void> {
    const user = req.user as { id: string; role: string } | undefined;
    await this.audit
      .record({
        action: 'access_denied',
        actorId: user?.id ?? null,
        ip: req.ip ?? null,
        targetId: typeof req.params?.id === 'string' ? req.params.id.slice(0, 64) : null,
        details: {
          route: `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`,
          role: user?.role ?? null,
          code,
        },
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'Could not audit an access denial'));
  }

  private toBody(exception: unknown, requestId: string | undefined): ErrorBody {
    if (isDomainError(exception)) {
      return errorBody(KIND_STATUS[exception.kind], exception.message, { code: exception.code, requestId });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? (response as { message: string | string[] }).message
          : exception.message;
      const code =
        typeof response === 'object' && response !== null && 'code' in response
          ? String((response as { code: unknown }).code)
          : undefined;
      if (status >= 500) this.logger.error({ err: exception, requestId }, 'Server error');
      return errorBody(status, message, { code, requestId });
    }
    const parserError = bodyParserError(exception);
    if (parserError) return errorBody(parserError[0], parserError[1], { requestId });
    const dependency = unavailableDependency(exception);
    if (dependency) {
      countDependencyUnavailable(dependency);
      this.logger.error({ err: describe(exception), dependency, requestId }, 'Dependency unavailable');
      return errorBody(HttpStatus.SERVICE_UNAVAILABLE, 'Service temporarily unavailable, try again shortly', {
        requestId,
      });
    }
    this.logger.error({ err: describe(exception), requestId }, 'Unhandled error');
    return errorBody(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error', { requestId });
  }
}

function bodyParserError(exception: unknown): [number, string] | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const type = (exception as { type?: unknown }).type;
  return typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
}

/**
 * Which dependency an error says is unavailable or too slow, or undefined for any other error. Looks
 * through TypeORM's wrapper (`driverError`), `cause` and AggregateError (a host name with several
 * addresses) to the errors of pg, pg-pool, ioredis, Vault and our own deadlines.
 */
export function unavailableDependency(exception: unknown, depth = 0): Dependency | undefined {
  if (typeof exception !== 'object' || exception === null || depth > 3) return undefined;
  if (exception instanceof QueryFailedError)
    return unavailableDependency(exception.driverError, depth + 1) ? 'database' : undefined;
  const err = exception as { code?: unknown; name?: unknown; message?: unknown; vaultUnavailable?: unknown };
  const name = typeof err.name === 'string' ? err.name : '';
  const message = typeof err.message === 'string' ? err.message : '';
  const code = typeof err.code === 'string' ? err.code : '';
  if (err.vaultUnavailable === true || name === 'VaultUnavailable') return 'vault';
  if (REDIS_NAMES.has(name) || REDIS_MESSAGES.test(message)) return 'redis';
  if (DEADLINE_NAMES.has(name)) return 'deadline';
  // Socket errors reaching this filter come from the database: Redis and Vault errors are named above.
  if (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return 'database';
  if (DATABASE_MESSAGES.some((pattern) => pattern.test(message))) return 'database';
  const { errors, cause } = exception as { errors?: unknown; cause?: unknown };
  const nested = Array.isArray(errors) ? errors[0] : cause; // AggregateError: one error per address tried
  return nested === undefined ? undefined : unavailableDependency(nested, depth + 1);
}

/**
 * What the log keeps of an unexpected error: its class, message, code and stack, never the request.
 * Duck-typed: errors raised by Node's own modules fail `instanceof Error` inside Jest's sandbox.
 */
function describe(exception: unknown): Record<string, unknown> {
  const e = exception as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown } | null;
  if (typeof e !== 'object' || e === null || typeof e.message !== 'string') return { type: typeof exception };
  return {
    type: typeof e.name === 'string' ? e.name : 'Error',
    message: e.message,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    stack: e.stack,
  };
}
