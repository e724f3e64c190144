import type { User } from '../../domain/user';

export abstract class UserRepository {
  /** By lookup key (see `Username.keyOf`): case- and width-insensitive. */
  abstract findByUsername(key: string): Promise<User | null>;
  abstract findById(id: string): Promise<User | null>;
  /** Those of these ids that exist, in one round trip; unknown ids are left out. */
  abstract findByIds(ids: readonly string[]): Promise<User[]>;
  /** Inserts a new user; throws `UsernameTaken` when the username is in use, whatever its case. */
  abstract add(user: User): Promise<void>;
  /**
   * Writes the user's password hash, nothing else. With `replacing`, only while the stored hash is
   * still that one (a rehash at login never overwrites a password changed meanwhile); false if not.
   */
  abstract savePassword(user: User, replacing?: string): Promise<boolean>;
  /** Writes the e-mail, nothing else. */
  abstract saveProfile(user: User): Promise<void>;
  /** Writes role and is_active, nothing else. */
  abstract saveAccess(user: User): Promise<void>;
  abstract hasAnyUser(): Promise<boolean>;
  /** Every user, ordered by username. */
  abstract list(): Promise<User[]>;
  /** Inside a unit of work, holds the active ADMINs' rows until it ends. */
  abstract countActiveAdmins(): Promise<number>;
}
