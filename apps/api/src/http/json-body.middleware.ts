import {
  HttpStatus,
  Injectable,
  type NestMiddleware,
  UnsupportedMediaTypeException,
  BadRequestException,
} from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

export const BODY_LIMIT = '100kb';

/** Keys that would let a JSON body reach `Object.prototype` through a later merge (VAL-09). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class ForbiddenKey extends Error {
  constructor(readonly key: string) {
    super(`JSON key "${key}" is not allowed`);
  }
}

const parseJson = express.json({
  limit: BODY_LIMIT,
  strict: true,
  type: () => true, // the content type was already checked below
  reviver: (key: string, value: unknown) => {
    if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
    return value;
  },
});

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Bodies are JSON only: a body of any other type gets 415, which also keeps browsers' "simple"
 * cross-site form posts out (HDR-05). Over 100 kB: 413 before parsing (OPS-05).
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (!hasBody(req)) return next();
    if (!req.is(['application/json', 'application/*+json'])) {
      throw new UnsupportedMediaTypeException('Request bodies must be JSON (Content-Type: application/json)');
    }
    await new Promise<void>((resolve, reject) =>
      parseJson(req, res, (error?: unknown) => {
        if (error === undefined) return resolve();
        const cause =
          (error as { body?: unknown; type?: string }).type === 'entity.parse.failed'
            ? findForbidden(error)
            : undefined;
        reject(
          cause
            ? new BadRequestException({ message: cause.message, statusCode: HttpStatus.BAD_REQUEST })
            : error,
        );
      }),
    );
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
