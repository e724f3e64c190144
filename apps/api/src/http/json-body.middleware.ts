import {
  HttpStatus,
  Injectable,
  type NestMiddleware,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
  BadRequestException,
} from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isUtf8 } from 'node:buffer';

/** 100 kB (OPS-05). */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** Methods whose requests carry a body to a route: a Content-Type they declare must be JSON. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** `application/json` and the `+json` types (`application/merge-patch+json`…), parameters aside. */
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.+-]+\+)?json$/;

/** Keys that would let a JSON body reach `Object.prototype` through a later merge (VAL-09). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class ForbiddenKey extends Error {
  constructor(readonly key: string) {
    super(`JSON key "${key}" is not allowed`);
  }
}

const parseJson = express.json({
  limit: BODY_LIMIT_BYTES,
  strict: true,
  type: () => true, // the content type was already checked below
  reviver: (key: string, value: unknown) => {
    if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
    return value;
  },
  // Invalid UTF-8 (an encoded lone surrogate among them) would be decoded to U+FFFD without a word:
  // it is refused instead (VAL-07).
  verify: (_req: unknown, _res: unknown, raw: Buffer) => {
    if (!isUtf8(raw)) throw new Error('not UTF-8');
  },
});

const NOT_UTF8 = 'Request body must be well-formed UTF-8 (no invalid bytes, no encoded lone surrogates)';

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The declared media type, lower case and without parameters; undefined when none is declared. */
function mediaType(req: Request): string | undefined {
  const type = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

/**
 * A 413 that also closes the connection: the rest of the body is never read (body-parser would read
 * it all, up to Node's 300 s request timeout, before answering), so the connection cannot carry
 * another request.
 */
function tooLarge(res: Response): PayloadTooLargeException {
  res.setHeader('Connection', 'close');
  return new PayloadTooLargeException('Request body is larger than the 100 kB limit');
}

/**
 * Bodies are JSON only: a body of any other type gets 415, and so does a POST/PUT/PATCH declaring a
 * non-JSON type with an empty body, which keeps browsers' "simple" cross-site form posts out
 * (HDR-05). Requests without a body and without a Content-Type (GET, DELETE, `POST /logout`…) pass.
 * Over 100 kB: 413 before parsing (OPS-05), at once when Content-Length says so, and as soon as a
 * chunked body grows past it.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const body = hasBody(req);
    const type = mediaType(req);
    if (!body && (type === undefined || !BODY_METHODS.has(req.method))) return next();
    if (type === undefined || !JSON_MEDIA_TYPE.test(type)) {
      throw new UnsupportedMediaTypeException('Request bodies must be JSON (Content-Type: application/json)');
    }
    if (!body) return next();
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) throw tooLarge(res);
    await new Promise<void>((resolve, reject) => {
      // body-parser stops at the limit too, but then reads the rest of the body before answering.
      let received = 0;
      const count = (chunk: Buffer): void => {
        received += chunk.length;
        if (received > BODY_LIMIT_BYTES) {
          req.off('data', count);
          reject(tooLarge(res));
        }
      };
      req.on('data', count);
      parseJson(req, res, (error?: unknown) => {
        req.off('data', count);
        if (error === undefined) return resolve();
        if ((error as { type?: string }).type === 'entity.verify.failed')
          return reject(new BadRequestException(NOT_UTF8));
        const cause =
          (error as { body?: unknown; type?: string }).type === 'entity.parse.failed'
            ? findForbidden(error)
            : undefined;
        reject(
          cause
            ? new BadRequestException({ message: cause.message, statusCode: HttpStatus.BAD_REQUEST })
            : error,
        );
      });
    });
    next();
  }
}

function findForbidden(error: unknown): ForbiddenKey | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current; depth += 1) {
    if (current instanceof ForbiddenKey) return current;
    current = (current as { cause?: unknown }).cause;
  }
  const message = (error as { message?: string }).message ?? '';
  const match = /JSON key "([^"]+)" is not allowed/.exec(message);
  return match ? new ForbiddenKey(match[1]!) : undefined;
}
