import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TypeOrmUnitOfWork } from '@uyoop/shared/nest';
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
  let uow: TypeOrmUnitOfWork;

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, entities: [UserRecord], synchronize: false }),
        TypeOrmModule.forFeature([UserRecord]),
      ],
      providers: [TypeOrmUnitOfWork, { provide: UserRepository, useClass: TypeOrmUserRepository }],
    }).compile();
    users = moduleRef.get(UserRepository);
    dataSource = moduleRef.get(DataSource);
    uow = moduleRef.get(TypeOrmUnitOfWork);
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

  it('writes a new password hash', async () => {
    const user = newUser('carol', '0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a04');
    await users.add(user);
    user.changePasswordHash('$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3', new Date('2026-03-03T00:00:00Z'));
    await expect(users.savePassword(user)).resolves.toBe(true);
    await expect(users.findById(user.id)).resolves.toMatchObject({
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3',
      updatedAt: new Date('2026-03-03T00:00:00Z'),
    });
  });

  describe('LOG-TX-02: every column of users has one writer; a stale snapshot never writes back', () => {
    const id = '0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a10';
    const later = new Date('2026-03-04T00:00:00Z');
    /** What the two-factor code does when 2FA is turned on, between our read and our write. */
    const enableTwoFactorMeanwhile = () =>
      dataSource.query(`UPDATE users SET totp_enabled = true WHERE id = $1`, [id]);
    const stored = async () =>
      ((await dataSource.query(`SELECT * FROM users WHERE id = $1`, [id])) as Record<string, unknown>[])[0]!;

    it('an ADMIN changing the e-mail while the user turns 2FA on leaves 2FA on', async () => {
      await users.add(newUser('frank', id));
      const snapshot = (await users.findById(id))!;
      await enableTwoFactorMeanwhile();
      snapshot.changeEmail('frank@corp.example', later);
      await users.saveProfile(snapshot);
      expect(await stored()).toMatchObject({ email: 'frank@corp.example', totp_enabled: true });
    });

    it('a role or activity change and a password change meanwhile keep each other and 2FA', async () => {
      await users.add(newUser('grace', id));
      const adminView = (await users.findById(id))!;
      const selfView = (await users.findById(id))!;
      await enableTwoFactorMeanwhile();
      selfView.changePasswordHash('$argon2id$v=19$m=19456,t=2,p=1$c2VsZg$c2VsZg', later);
      await users.savePassword(selfView);
      adminView.changeRole('OPS', later);
      await users.saveAccess(adminView);
      expect(await stored()).toMatchObject({
        role: 'OPS',
        password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2VsZg$c2VsZg',
        totp_enabled: true,
        email: 'grace@example.org',
      });
    });

    it('a rehash at login never overwrites a password changed since it was read', async () => {
      await users.add(newUser('heidi', id));
      const atLogin = (await users.findById(id))!;
      const checked = atLogin.passwordHash;
      const elsewhere = (await users.findById(id))!;
      elsewhere.changePasswordHash('$argon2id$v=19$m=19456,t=2,p=1$bmV3$Y2hhbmdlZA', later);
      await users.savePassword(elsewhere);
      atLogin.changePasswordHash('$argon2id$v=19$m=65536,t=3,p=1$cmVoYXNo$cmVoYXNo', later);
      await expect(users.savePassword(atLogin, checked)).resolves.toBe(false);
      expect((await stored()).password_hash).toBe('$argon2id$v=19$m=19456,t=2,p=1$bmV3$Y2hhbmdlZA');
    });

    it('inside a unit of work, the active ADMINs stay locked: a second demotion waits for the first', async () => {
      const admin = (name: string, n: string) =>
        User.restore({ ...newUser(name, `0b8a3a52-3b0e-4e0f-9f52-6f3c3c0f8a${n}`).toProps(), role: 'ADMIN' });
      const [a, b] = [admin('ivan', '20'), admin('judy', '21')];
      await users.add(a);
      await users.add(b);
      const order: string[] = [];
      const demote = (who: User, other: string) =>
        uow.run(async () => {
          const count = await users.countActiveAdmins();
          order.push(`${who.username} saw ${count}`);
          if (count <= 1) throw new Error('last admin');
          await new Promise((r) => setTimeout(r, 150));
          who.changeRole('DEV', later);
          await users.saveAccess(who);
          order.push(`${who.username} demoted, ${other} left`);
        });
      const outcomes = await Promise.allSettled([demote(a, 'judy'), demote(b, 'ivan')]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(await users.countActiveAdmins()).toBe(1);
    });
  });

  it('finds several users by id in one query, leaving out unknown ids', async () => {
    const a = newUser('Ada', '6a1f7c1e-1b2d-4c3e-9f40-5a6b7c8d9e01');
    const b = newUser('Bob', '6a1f7c1e-1b2d-4c3e-9f40-5a6b7c8d9e02');
    await users.add(a);
    await users.add(b);
    const found = await users.findByIds([b.id, '6a1f7c1e-1b2d-4c3e-9f40-5a6b7c8d9eff', a.id]);
    expect(found.map((u) => u.username).sort()).toEqual(['Ada', 'Bob']);
    await expect(users.findByIds([])).resolves.toEqual([]);
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
