import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
import { In, QueryFailedError, type Repository } from 'typeorm';
import { UserRepository } from '../../application/ports/user-repository.port';
import { UsernameTaken } from '../../domain/auth.errors';
import { isRole } from '@uyoop/shared';
import { User } from '../../domain/user';
import { UserRecord } from './user.record';

const UNIQUE_VIOLATION = '23505';

/**
 * Each column of `users` has one writer (LOG-TX-02): this repository inserts rows and writes password,
 * profile and access, each touching only its own columns, so two overlapping changes never write
 * back each other's snapshot. `totp_enabled` is the two-factor code's alone.
 */
@Injectable()
export class TypeOrmUserRepository extends UserRepository {
  constructor(private readonly db: TypeOrmUnitOfWork) {
    super();
  }

  private get rows(): Repository<UserRecord> {
    return this.db.manager.getRepository(UserRecord);
  }

  async findByUsername(key: string): Promise<User | null> {
    const row = await this.rows.createQueryBuilder('u').where('lower(u.username) = :key', { key }).getOne();
    return row ? toUser(row) : null;
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.rows.findOneBy({ id });
    return row ? toUser(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    return (await this.rows.findBy({ id: In([...ids]) })).map(toUser);
  }

  async add(user: User): Promise<void> {
    try {
      await this.rows.insert(toRecord(user));
    } catch (error) {
      if (isUniqueViolation(error)) throw new UsernameTaken();
      throw error;
    }
  }

  async savePassword(user: User, replacing?: string): Promise<boolean> {
    const changed = await this.db.exec(
      `UPDATE users SET password_hash = $2, updated_at = $3
        WHERE id = $1 AND ($4::text IS NULL OR password_hash = $4)`,
      [user.id, user.passwordHash, user.updatedAt, replacing ?? null],
    );
    return changed.affected === 1;
  }

  async saveProfile(user: User): Promise<void> {
    await this.db.exec(`UPDATE users SET email = $2, updated_at = $3 WHERE id = $1`, [
      user.id,
      user.email,
      user.updatedAt,
    ]);
  }

  async saveAccess(user: User): Promise<void> {
    await this.db.exec(`UPDATE users SET role = $2, is_active = $3, updated_at = $4 WHERE id = $1`, [
      user.id,
      user.role,
      user.isActive,
      user.updatedAt,
    ]);
  }

  async list(): Promise<User[]> {
    const rows = await this.rows.createQueryBuilder('u').orderBy('lower(u.username)').getMany();
    return rows.map(toUser);
  }

  async countActiveAdmins(): Promise<number> {
    // Inside a unit of work the rows stay locked until it ends, so two ADMINs demoting each other at
    // once cannot both see the other one still there.
    const lock = this.db.active ? 'FOR UPDATE' : '';
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM users WHERE role = 'ADMIN' AND is_active ${lock}`,
    );
    return rows.length;
  }

  async hasAnyUser(): Promise<boolean> {
    return (await this.rows.createQueryBuilder('u').select('1').limit(1).getRawOne()) !== undefined;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === UNIQUE_VIOLATION
  );
}

function toUser(row: UserRecord): User {
  if (!isRole(row.role)) throw new Error(`users.role holds an unknown role for user ${row.id}`);
  return User.restore({
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.passwordHash,
    role: row.role,
    totpEnabled: row.totpEnabled,
    isActive: row.isActive,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}

function toRecord(user: User): UserRecord {
  return Object.assign(new UserRecord(), user.toProps());
}
