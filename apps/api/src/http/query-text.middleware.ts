import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * The query string's percent-escapes must decode to well-formed UTF-8 (VAL-07): the query parser
 * would turn `%ED%A0%80` (an escaped lone surrogate) or `%FF` into U+FFFD without a word, so they
 * are refused here, before anything reads them. What the parsed values hold is then checked with
 * every other input by the global validation pipe.
 */
export function queryTextMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const at = req.originalUrl.indexOf('?');
  if (at < 0) return next();
  for (const part of req.originalUrl.slice(at + 1).split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      const name = part.split('=')[0] ?? '';
      const shown = /^[A-Za-z0-9_.-]{1,40}$/.test(name) ? name : 'a query parameter';
      return next(
        new BadRequestException(`${shown} must be well-formed UTF-8 text with valid percent-escapes`),
      );
    }
  }
  next();
}
