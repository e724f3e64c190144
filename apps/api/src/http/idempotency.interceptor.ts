import {
  BadRequestException,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IDEMPOTENT_KEY, TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { QueryFailedError } from 'typeorm';

const KEY_FORMAT = /^[A-Za-z0-9_-]{8,128}$/;
const KEEP_MS = 24 * 3_600_000;

interface Stored {
  route: string;
  request_hash: string;
  response: { body: unknown };
}

/**
 * `Idempotency-Key` on the creating POSTs marked `@Idempotent()` (REL-IDEM-01). The key is the caller's
 * (per user), kept 24 hours. The answer is stored by the same transaction as what the request
 * created, so a retry after a lost answer — even a 503 whose write had committed — finds either both
 * or neither: the same key and body get the first answer back and create nothing; the same key with
 * another route or body is a 422. Two requests racing with one key meet on the primary key: the
 * later one's transaction rolls back and it answers what the first stored.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly db: TypeOrmUnitOfWork,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(IDEMPOTENT_KEY, context.getHandler())) return next.handle();
    const req = context.switchToHttp().getRequest<Request & { user?: { id: string } }>();
    const key = req.headers['idempotency-key'];
    if (key === undefined || !req.user) return next.handle();
    if (typeof key !== 'string' || !KEY_FORMAT.test(key))
      throw new BadRequestException('Idempotency-Key must be 8 to 128 letters, digits, _ or -');
    const res = context.switchToHttp().getResponse<Response>();
    return from(this.once(req.user.id, key, req, res, next));
  }

  private async once(
    actorId: string,
    key: string,
    req: Request,
    res: Response,
    next: CallHandler,
  ): Promise<unknown> {
    const route = `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`.slice(
      0,
      200,
    );
    const hash = createHash('sha256')
      .update(`${route}\n${canonicalJson(req.body)}`)
      .digest('hex');
    const earlier = await this.find(actorId, key);
    if (earlier) return this.replay(earlier, route, hash, res);
    try {
      return await this.db.run(async () => {
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const now = new Date();
        await this.db.query(`DELETE FROM idempotency_keys WHERE actor_id = $1 AND created_at < $2`, [
          actorId,
          new Date(now.getTime() - KEEP_MS),
        ]);
        await this.db.query(
          `INSERT INTO idempotency_keys (actor_id, key, route, request_hash, response, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [actorId, key, route, hash, JSON.stringify({ body: body ?? null }), now],
        );
        return body;
      });
    } catch (error) {
      // Another request with this key committed first: everything this one did is rolled back.
      const code =
        error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
      const first = code === '23505' ? await this.find(actorId, key) : null;
      if (first) return this.replay(first, route, hash, res);
      throw error;
    }
  }

  private async find(actorId: string, key: string): Promise<Stored | null> {
    const rows = await this.db.query<Stored>(
      `SELECT route, request_hash, response FROM idempotency_keys
        WHERE actor_id = $1 AND key = $2 AND created_at > $3`,
      [actorId, key, new Date(Date.now() - KEEP_MS)],
    );
    return rows[0] ?? null;
  }

  private replay(stored: Stored, route: string, hash: string, res: Response): unknown {
    if (stored.route !== route || stored.request_hash !== hash)
      throw new UnprocessableEntityException({
        message: 'This Idempotency-Key was already used with another request: use a new key',
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    res.setHeader('Idempotent-Replayed', 'true');
    return stored.response.body;
  }
}

/** JSON with object keys sorted at every level, so that key order does not make two bodies differ. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
