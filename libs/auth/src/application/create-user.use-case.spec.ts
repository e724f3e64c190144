import { FixedClock, ImmediateUnitOfWork, InMemoryAuditLog } from '@uyoop/shared/testing';
import { InvalidUsername, NotAllowed, UsernameTaken, WeakPassword } from '../domain/auth.errors';
import {
  actorOf,
  addUser,
  FixedCommonPasswordList,
  InMemoryUserRepository,
  PlainPasswordHasher,
} from '../testing';
import { CreateUser, type CreateUserCommand } from './create-user.use-case';

const NOW = new Date('2026-03-02T09:00:00Z');

async function setup() {
  const users = new InMemoryUserRepository();
  const audit = new InMemoryAuditLog();
  const uow = new ImmediateUnitOfWork();
  const create = new CreateUser(
    users,
    new PlainPasswordHasher(),
    audit,
    new FixedClock(NOW),
    uow,
    new FixedCommonPasswordList(['sunshine', 'passwordpassword']),
  );
  const root = await addUser(users, { username: 'root', role: 'ADMIN' });
  const dev = await addUser(users, { username: 'dana', role: 'DEV' });
  return { users, audit, uow, create, root, dev };
}

const cmd = (over: Partial<CreateUserCommand> = {}): CreateUserCommand => ({
  username: 'Carol.Ops',
  email: 'carol@example.org',
  password: 'a sturdy pass phrase',
  role: 'OPS',
  ...over,
});

describe('CreateUser', () => {
  it('an ADMIN creates an active account with a hashed password; user_created audited with its role', async () => {
    const { users, audit, uow, create, root } = await setup();
    const user = await create.execute(actorOf(root), cmd());

    expect(user.toProps()).toEqual({
      id: expect.any(String),
      username: 'Carol.Ops',
      email: 'carol@example.org',
      passwordHash: 'plain:a sturdy pass phrase',
      role: 'OPS',
      totpEnabled: false,
      isActive: true,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect((await users.findById(user.id))?.toProps()).toEqual(user.toProps());
    expect(audit.entries).toEqual([
      {
        action: 'user_created',
        actorId: root.id,
        targetType: 'user',
        targetId: user.id,
        ip: '203.0.113.7',
        details: { role: 'OPS' },
      },
    ]);
    expect(uow.runs).toBe(1);
  });

  it.each(['DEV', 'OPS', 'PROJET'] as const)(
    'AC-05: a %s cannot create users; nothing is stored',
    async (role) => {
      const { users, audit, create, dev } = await setup();
      await expect(create.execute(actorOf(dev, { role }), cmd({ role: 'ADMIN' }))).rejects.toBeInstanceOf(
        NotAllowed,
      );
      expect(users.all()).toHaveLength(2);
      expect(audit.entries).toEqual([]);
    },
  );

  it.each([
    ['too short', 'Sh0rt-pass!'],
    ['common', 'Sunshine2026!'],
    ['a default', 'adminadmin'],
    ['containing the username', 'carol.ops is my password'],
  ])('AUTH-05/AUTH-06: refuses a weak password (%s); nothing is stored', async (_label, password) => {
    const { users, audit, create, root } = await setup();
    await expect(create.execute(actorOf(root), cmd({ password }))).rejects.toBeInstanceOf(WeakPassword);
    expect(users.all()).toHaveLength(2);
    expect(audit.entries).toEqual([]);
  });

  it('refuses a username taken in another case, or in full-width form', async () => {
    const { users, audit, create, root } = await setup();
    await expect(create.execute(actorOf(root), cmd({ username: 'DANA' }))).rejects.toBeInstanceOf(
      UsernameTaken,
    );
    await expect(create.execute(actorOf(root), cmd({ username: 'ｄａｎａ' }))).rejects.toBeInstanceOf(
      UsernameTaken,
    );
    expect(users.all()).toHaveLength(2);
    expect(audit.entries).toEqual([]);
  });

  it('refuses an invalid username', async () => {
    const { create, root } = await setup();
    await expect(create.execute(actorOf(root), cmd({ username: 'evil:admin' }))).rejects.toBeInstanceOf(
      InvalidUsername,
    );
  });

  it('stores the NFKC form of the username and keeps an absent e-mail null', async () => {
    const { create, root } = await setup();
    const user = await create.execute(actorOf(root), cmd({ username: 'ｅｒｉｎ', email: null }));
    expect(user.username).toBe('erin');
    expect(user.email).toBeNull();
  });
});
