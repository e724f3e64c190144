import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { UserRepository } from '../../application/ports/user-repository.port';
import { UsernameTaken } from '../../domain/auth.errors';
import { isRole } from '../../domain/role';
import { User } from '../../domain/user';
import { UserRecord } from './user.record';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class TypeOrmUserRepository extends UserRepository {
  constructor(@InjectRepository(UserRecord) private readonly rows: Repository<UserRecord>) {
    super();
  }

  async findByUsername(key: string): Promise<User | null> {
    const row = await this.rows.createQueryBuilder('u').where('lower(u.username) = :key', { key }).getOne();
    return row ? toUser(row) : null;
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.rows.findOneBy({ id });
    return row ? toUser(row) : null;
  }

  async add(user: User): Promise<void> {
    try {
      await this.rows.insert(toRecord(user));
    } catch (error) {
      if (isUniqueViolation(error)) throw new UsernameTaken();
      throw error;
    }
  }

  async update(user: User): Promise<void> {
    const { id, ...rest } = toRecord(user);
    await this.rows.update({ id }, rest);
  }

  async list(): Promise<User[]> {
    const rows = await this.rows.createQueryBuilder('u').orderBy('lower(u.username)').getMany();
    return rows.map(toUser);
  }

  async countActiveAdmins(): Promise<number> {
    return this.rows.countBy({ role: 'ADMIN', isActive: true });
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
