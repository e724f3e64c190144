import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { AuditLog, type ErrorKind, isDomainError } from '@uyoop/shared';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { errorBody, type ErrorBody } from './error-body';

const KIND_STATUS: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
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

/** Errors that mean the database cannot be reached right now: answered 503, never 500. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

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
    if (isUnavailable(exception)) {
      this.logger.error({ err: describe(exception), requestId }, 'Dependency unavailable');
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

function isUnavailable(exception: unknown): boolean {
  const err = exception instanceof QueryFailedError ? exception.driverError : exception;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = exception instanceof Error ? exception.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Connection is not established/i.test(
    message,
  );
}

/** What the log keeps of an unexpected error: its class, message and stack, never the request. */
function describe(exception: unknown): Record<string, unknown> {
  if (exception instanceof Error)
    return { type: exception.name, message: exception.message, stack: exception.stack };
  return { type: typeof exception };
}
