import { UserRepository } from '../application/ports/user-repository.port';
import { UsernameTaken } from '../domain/auth.errors';
import { User } from '../domain/user';
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

  async add(user: User): Promise<void> {
    if (this.all().some((u) => Username.keyOf(u.username) === Username.keyOf(user.username)))
      throw new UsernameTaken();
    this.rows.set(user.id, User.restore(user.toProps()));
  }

  async update(user: User): Promise<void> {
    this.rows.set(user.id, User.restore(user.toProps()));
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
