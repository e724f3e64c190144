import { createHash } from 'node:crypto';

/** Feed tokens are stored only as this hash (AUTH-08's documented exception: the token is in the URL). */
export const hashFeedToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** What `randomBytes(32).toString('base64url')` gives: anything else is refused before any lookup. */
export const isWellFormedFeedToken = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);
