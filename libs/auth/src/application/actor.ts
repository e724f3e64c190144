import type { Role } from '../domain/role';

/** Who is asking: the authenticated caller of a use case, with the address it came from. */
export interface Actor {
  id: string;
  role: Role;
  ip: string | null;
}
