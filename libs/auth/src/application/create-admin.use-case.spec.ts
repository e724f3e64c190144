import { FixedClock } from '@uyoop/shared/testing';
import { InMemoryUserRepository, PlainPasswordHasher } from '../testing';
import { CreateAdmin } from './create-admin.use-case';

const noCommon = { contains: (p: string) => p === 'passwordpassword' };

function setup() {
  const users = new InMemoryUserRepository();
  const create = new CreateAdmin(users, new PlainPasswordHasher(), new FixedClock(), noCommon);
  return { users, create };
}

describe('CreateAdmin', () => {
  it('creates an active ADMIN with a hashed password', async () => {
    const { users, create } = setup();
    const user = await create.execute({
      username: 'Root.Admin',
      password: 'a sturdy pass phrase',
      email: 'root@example.org',
    });
    expect(user.role).toBe('ADMIN');
    expect(user.isActive).toBe(true);
    expect(user.totpEnabled).toBe(false);
    expect(users.all()).toHaveLength(1);
    expect(users.all()[0]!.passwordHash).toBe('plain:a sturdy pass phrase');
  });

  it('refuses a taken username in any case', async () => {
    const { create } = setup();
    await create.execute({ username: 'alice', password: 'a sturdy pass phrase' });
    await expect(create.execute({ username: 'ALICE', password: 'another sturdy phrase' })).rejects.toThrow(
      'username is already taken',
    );
  });

  it('AUTH-06: refuses a weak or default password', async () => {
    const { users, create } = setup();
    await expect(create.execute({ username: 'admin', password: 'admin' })).rejects.toThrow(/too weak/);
    await expect(create.execute({ username: 'admin', password: 'passwordpassword' })).rejects.toThrow(
      /common passwords/,
    );
    expect(users.all()).toHaveLength(0);
  });
});
