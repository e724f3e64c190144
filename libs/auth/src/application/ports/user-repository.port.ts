import type { User } from '../../domain/user';

export abstract class UserRepository {
  /** By lookup key (see `Username.keyOf`): case- and width-insensitive. */
  abstract findByUsername(key: string): Promise<User | null>;
  abstract findById(id: string): Promise<User | null>;
  /** Inserts a new user; throws `UsernameTaken` when the username is in use, whatever its case. */
  abstract add(user: User): Promise<void>;
  abstract update(user: User): Promise<void>;
  abstract hasAnyUser(): Promise<boolean>;
  /** Every user, ordered by username. */
  abstract list(): Promise<User[]>;
  abstract countActiveAdmins(): Promise<number>;
}
