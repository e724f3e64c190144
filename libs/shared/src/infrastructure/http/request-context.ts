import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the audit trail records about the request that caused an entry (LOG-03). */
export interface RequestFacts {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

type ExpressLikeRequest = IncomingMessage & { ip?: string; id?: unknown };

const current = new AsyncLocalStorage<ExpressLikeRequest>();

/**
 * Middleware that makes the request reachable from code that was not handed it (the audit adapter).
 * It must run after the body is read: a stream's callbacks do not carry the context across.
 */
export function requestContext(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
  current.run(req as ExpressLikeRequest, next);
}

/** The facts of the request being served, or null outside one (CLI, start-up). */
export function currentRequestFacts(): RequestFacts | null {
  const req = current.getStore();
  if (!req) return null;
  const agent = req.headers['user-agent'];
  return {
    ip: req.ip ?? null,
    userAgent: typeof agent === 'string' && agent !== '' ? agent : null,
    requestId: typeof req.id === 'string' ? req.id : null,
  };
}

/**
 * Runs `fn` outside any request: background work started from a handler (a worker woken by a
 * request) must not record that request's client in the audit trail.
 */
export function outsideRequest<T>(fn: () => T): T {
  return current.exit(fn);
}
