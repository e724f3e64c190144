import type { TokenPair } from './types';

/**
 * The REST client of the SPA. Tokens live in sessionStorage only (one tab's session, gone when the
 * tab closes); every authenticated call carries `Authorization: Bearer`, never `X-User-Id`. On a 401
 * about the access token it refreshes the tokens once (one refresh shared by concurrent calls) and retries once; when that
 * fails the session is over and `onSessionEnded` sends the user back to sign-in.
 */

const TOKENS_KEY = 'uyoop-cal.tokens';

export const tokenStore = {
  get(): TokenPair | null {
    const raw = sessionStorage.getItem(TOKENS_KEY);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<TokenPair>;
      return parsed.access_token && parsed.refresh_token
        ? { access_token: parsed.access_token, refresh_token: parsed.refresh_token }
        : null;
    } catch {
      return null;
    }
  },
  set(tokens: TokenPair): void {
    sessionStorage.setItem(
      TOKENS_KEY,
      JSON.stringify({ access_token: tokens.access_token, refresh_token: tokens.refresh_token }),
    );
  },
  clear(): void {
    sessionStorage.removeItem(TOKENS_KEY);
  },
};

/** An API error, with the readable text of the answer's `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function messageOf(status: number, body: unknown, retryAfter: string | null): string {
  let message = '';
  if (body && typeof body === 'object' && 'message' in body) {
    const m = (body as { message: unknown }).message;
    message = Array.isArray(m) ? m.map(String).join('; ') : typeof m === 'string' ? m : '';
  }
  if (!message) {
    message =
      status === 0
        ? 'The server cannot be reached. Check your connection and try again.'
        : `The server answered ${status}.`;
  }
  if (status === 429 && retryAfter) message += ` Try again in ${retryAfter} s.`;
  return message;
}

export interface RequestOptions {
  body?: unknown;
  /** false for sign-in calls: no bearer token, no refresh. */
  auth?: boolean;
  headers?: Record<string, string>;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

/** The `rel="next"` target of a Link header, if it is a same-origin path. */
export function nextLink(header: string | null, origin: string): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part.trim());
    if (!m?.[1]) continue;
    const url = new URL(m[1], origin);
    if (url.origin !== origin) return null;
    return url.pathname + url.search;
  }
  return null;
}

export class Api {
  private refreshing: Promise<boolean | ApiError> | null = null;
  /** Called once when the session cannot be renewed (refresh refused). */
  onSessionEnded: (reason: string) => void = () => undefined;

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const auth = opts.auth ?? true;
    let res = await this.send(method, path, opts, auth);
    // A 401 without a `code` is about the access token (missing, expired, revoked): renew and retry.
    // One with a code (a wrong 2FA code, `reauth_required`) is an answer for the user, not a token issue.
    if (res.status === 401 && auth && !(await hasErrorCode(res))) {
      const renewed = await this.refresh();
      // The server could not answer (503, no network): the session may well be alive, so it is kept
      // and the user is told to retry; only a refused refresh token ends it.
      if (renewed instanceof ApiError) throw renewed;
      if (!renewed) {
        this.endSession('Your session has ended. Please sign in again.');
        throw await this.errorFrom(res);
      }
      res = await this.send(method, path, opts, auth);
      if (res.status === 401) {
        this.endSession('Your session has ended. Please sign in again.');
        throw await this.errorFrom(res);
      }
    }
    if (!res.ok) throw await this.errorFrom(res);
    const data = res.status === 204 ? undefined : await res.json().catch(() => undefined);
    return { status: res.status, data: data as T, headers: res.headers };
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path).then((r) => r.data);
  }

  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, { body, headers }).then((r) => r.data);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body }).then((r) => r.data);
  }

  delete<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, { body }).then((r) => r.data);
  }

  /** Every page of a listing, following `Link: <…>; rel="next"`. */
  async all<T>(path: string, maxPages = 50): Promise<T[]> {
    const items: T[] = [];
    let next: string | null = path;
    for (let page = 0; next && page < maxPages; page++) {
      const res: ApiResponse<T[]> = await this.request<T[]>('GET', next);
      items.push(...res.data);
      next = nextLink(res.headers.get('Link'), location.origin);
    }
    return items;
  }

  /** Revokes the session on the server (best effort) and forgets the tokens. */
  async logout(): Promise<void> {
    const tokens = tokenStore.get();
    tokenStore.clear();
    if (!tokens) return;
    await fetch('/logout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.access_token}` },
      body: JSON.stringify({ refresh_token: tokens.refresh_token }),
    }).catch(() => undefined);
  }

  private endSession(reason: string): void {
    // Concurrent calls failing together end the session once.
    if (!tokenStore.get()) return;
    tokenStore.clear();
    this.onSessionEnded(reason);
  }

  private async send(method: string, path: string, opts: RequestOptions, auth: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth) {
      const tokens = tokenStore.get();
      if (tokens) headers.Authorization = `Bearer ${tokens.access_token}`;
    }
    try {
      return await fetch(path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, messageOf(0, null, null), null);
    }
  }

  /**
   * One POST /token/refresh at a time; concurrent 401s wait for the same answer. true: renewed; false:
   * refused (the session is over); an ApiError: the server could not answer (5xx, unreachable).
   */
  private refresh(): Promise<boolean | ApiError> {
    this.refreshing ??= (async () => {
      const tokens = tokenStore.get();
      if (!tokens) return false;
      try {
        const res = await fetch('/token/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ refresh_token: tokens.refresh_token }),
          credentials: 'omit',
          cache: 'no-store',
        });
        if (res.status >= 500) return await this.errorFrom(res);
        if (!res.ok) return false;
        const body = (await res.json()) as TokenPair;
        tokenStore.set(body);
        return true;
      } catch {
        return new ApiError(0, messageOf(0, null, null), null);
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async errorFrom(res: Response): Promise<ApiError> {
    const body: unknown = await res.json().catch(() => null);
    return new ApiError(res.status, messageOf(res.status, body, res.headers.get('Retry-After')), body);
  }
}

async function hasErrorCode(res: Response): Promise<boolean> {
  const body: unknown = await res
    .clone()
    .json()
    .catch(() => null);
  return !!body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string';
}

export const api = new Api();

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
