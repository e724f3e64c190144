import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../../test-support/postgres';
import { UserRepository } from '../../application/ports/user-repository.port';
import { User } from '../../domain/user';
import { Username } from '../../domain/username';
import { TypeOrmUserRepository } from './typeorm-user.repository';
import { UserRecord } from './user.record';

function newUser(name: string, id: string): User {
  return User.register({
    id,
    username: Username.parse(name),
    email: `${name.toLowerCase()}@example.org`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    role: 'DEV',
    now: new Date('2026-03-02T09:00:00Z'),
  });
}

describe('TypeOrmUserRepository (real PostgreSQL)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let users: UserRepository;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, entities: [UserRecord], synchronize: false }),
        TypeOrmModule.forFeature([UserRecord]),
      ],
      providers: [{ provide: UserRepository, useClass: TypeOrmUserRepository }],
    }).compile();
    users = moduleRef.get(UserRepository);
    dataSource = moduleRef.get(DataSource);
  });

  afterEach(() => dataSource.query('TRUNCATE users CASCADE'));

  afterAll(async () => {
    await moduleRef.close();
    await db.drop();
  });

  it('stores a user and finds it by any case of its username', async () => {
    await users.add(newUser('Alice', '0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a01'));
    const found = await users.findByUsername(Username.keyOf('ALICE'));
    expect(found?.toProps()).toEqual({
      id: '0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a01',
      username: 'Alice',
      email: 'alice@example.org',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      role: 'DEV',
      totpEnabled: false,
      isActive: true,
      createdAt: new Date('2026-03-02T09:00:00Z'),
      updatedAt: new Date('2026-03-02T09:00:00Z'),
    });
    await expect(users.findById('0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a01')).resolves.toMatchObject({
      username: 'Alice',
    });
    await expect(users.findByUsername('bob')).resolves.toBeNull();
  });

  it('refuses a second user whose name differs only in case (unique index on lower(username))', async () => {
    await users.add(newUser('alice', '0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a02'));
    await expect(users.add(newUser('ALICE', '0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a03'))).rejects.toThrow(
      'username is already taken',
    );
    const [{ count }] = (await dataSource.query('SELECT count(*)::int AS count FROM users')) as [
      { count: number },
    ];
    expect(count).toBe(1);
  });

  it('updates a stored user', async () => {
    const user = newUser('carol', '0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a04');
    await users.add(user);
    user.changePasswordHash('$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3', new Date('2026-03-03T00:00:00Z'));
    await users.update(user);
    await expect(users.findById(user.id)).resolves.toMatchObject({
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3',
      updatedAt: new Date('2026-03-03T00:00:00Z'),
    });
  });

  it('knows whether any user exists', async () => {
    await expect(users.hasAnyUser()).resolves.toBe(false);
    await users.add(newUser('dave', '0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a05'));
    await expect(users.hasAnyUser()).resolves.toBe(true);
  });

  it('the database itself refuses an unknown role', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO users (id, username, password_hash, role) VALUES ('0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a06', 'eve', 'x', 'ROOT')`,
      ),
    ).rejects.toThrow(/users_role_check/);
  });
});
