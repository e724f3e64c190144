import { BadRequestException, HttpStatus, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { requestId } from '../logging/logging';
import { errorBody } from './error-body';
import { securityHeaderList } from './security-headers';

/**
 * Requests that fail before the middleware chain can run still get the answer every other error
 * gets (HDR-01): the security headers, an `X-Request-Id` and the contract's JSON error body.
 */

const logger = new Logger('HTTP');

/** Node's HTTP parser errors, by code, as Node itself answers them (anything else: 400). */
const PARSER_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request headers are larger than the server accepts'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [
    HttpStatus.PAYLOAD_TOO_LARGE,
    'Chunk extensions are larger than the server accepts',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [HttpStatus.REQUEST_TIMEOUT, 'The request was not received in time'],
};

/**
 * The server's `clientError` listener: the request could not be parsed (headers over Node's 16 kB,
 * an unknown method, a bad Content-Length…), so there is no request object and nothing of the
 * Express pipeline runs. Without a listener Node writes a bare status line; this writes the same
 * status with the app's security headers and the JSON error body, then closes the connection.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, message] = PARSER_ERRORS[error.code ?? ''] ?? [
    HttpStatus.BAD_REQUEST,
    'Malformed HTTP request',
  ];
  const id = randomUUID();
  logger.warn({ requestId: id, code: error.code, statusCode: status }, 'Unparsable request refused');
  const answer = errorBody(status, message, { requestId: id });
  const body = JSON.stringify(answer);
  const head = [
    `HTTP/1.1 ${status} ${answer.error}`,
    ...securityHeaderList().map(([name, value]) => `${name}: ${value}`),
    `X-Request-Id: ${id}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  // Whatever the client still sends is not read: the connection goes once the answer is out.
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

export function installClientErrorAnswer(server: Server): void {
  server.on('clientError', answerClientError);
}

/** The path of a request URL, without its query string. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * Express decodes the path to match routes (and Nest's middlewares, mounted on `/{*path}`), and a
 * malformed `%` escape (`/events/%E0%A4%A`) fails that match before any middleware runs: the error
 * reached the exception filter with no security header and no request id. Mounted first, this
 * refuses such a URL itself: it sets what the skipped middlewares would have (the security headers,
 * the request id) and hands a 400 to the exception filter, which writes the JSON error body.
 */
export function rejectMalformedUrl(req: Request, res: Response, next: NextFunction): void {
  try {
    decodeURIComponent(pathOf(req.url));
  } catch {
    for (const [name, value] of securityHeaderList()) res.setHeader(name, value);
    const id = requestId(req, res);
    (req as Request & { id?: string }).id = id;
    // The request logger is one of the skipped middlewares: this line stands for its own.
    logger.warn({ requestId: id, method: req.method, statusCode: 400 }, 'Malformed URL refused');
    next(new BadRequestException('Malformed percent-encoding in the URL'));
    return;
  }
  next();
}
