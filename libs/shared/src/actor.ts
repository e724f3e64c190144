import type { Role } from './role';

/**
 * Who is asking: the authenticated caller of a use case, the same shape in every context. `ip` is the
 * address the request came from; `sessionId` the session it was made in (null for the legacy header
 * and for work the server starts itself), so a change can end the caller's other sessions (MFA-07).
 */
export interface Actor {
  id: string;
  username: string;
  role: Role;
  ip: string | null;
  sessionId: string | null;
}
