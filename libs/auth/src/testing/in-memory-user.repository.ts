import { UserRepository } from '../application/ports/user-repository.port';
import { UsernameTaken } from '../domain/auth.errors';
import { User, type UserProps } from '../domain/user';
import { Username } from '../domain/username';

export class InMemoryUserRepository extends UserRepository {
  private readonly rows = new Map<string, User>();

  async findByUsername(key: string): Promise<User | null> {
    return this.all().find((u) => Username.keyOf(u.username) === key) ?? null;
  }

  async findById(id: string): Promise<User | null> {
    const user = this.rows.get(id);
    return user ? User.restore(user.toProps()) : null;
  }

  async findByIds(ids: readonly string[]): Promise<User[]> {
    return ids.flatMap((id) => {
      const user = this.rows.get(id);
      return user ? [User.restore(user.toProps())] : [];
    });
  }

  async add(user: User): Promise<void> {
    if (this.all().some((u) => Username.keyOf(u.username) === Username.keyOf(user.username)))
      throw new UsernameTaken();
    this.rows.set(user.id, User.restore(user.toProps()));
  }

  async savePassword(user: User, replacing?: string): Promise<boolean> {
    const stored = this.rows.get(user.id);
    if (!stored || (replacing !== undefined && stored.passwordHash !== replacing)) return false;
    this.write(user.id, { passwordHash: user.passwordHash, updatedAt: user.updatedAt });
    return true;
  }

  async saveProfile(user: User): Promise<void> {
    this.write(user.id, { email: user.email, updatedAt: user.updatedAt });
  }

  async saveAccess(user: User): Promise<void> {
    this.write(user.id, { role: user.role, isActive: user.isActive, updatedAt: user.updatedAt });
  }

  /** Like the SQL adapter: only the columns named. */
  private write(id: string, columns: Partial<UserProps>): void {
    const stored = this.rows.get(id);
    if (stored) this.rows.set(id, User.restore({ ...stored.toProps(), ...columns }));
  }

  /** What the two-factor code writes (tests only). */
  setTotpEnabled(id: string, totpEnabled: boolean): void {
    this.write(id, { totpEnabled });
  }

  async hasAnyUser(): Promise<boolean> {
    return this.rows.size > 0;
  }

  async list(): Promise<User[]> {
    return this.all().sort((a, b) => a.username.localeCompare(b.username));
  }

  async countActiveAdmins(): Promise<number> {
    return this.all().filter((u) => u.isActiveAdmin).length;
  }

  all(): User[] {
    return [...this.rows.values()];
  }
}
