import { FixedClock } from '@uyoop/shared/testing';
import { WeakPassword } from '../domain/auth.errors';
import { InMemoryUserRepository, PlainPasswordHasher } from '../testing';
import { BootstrapAdmin } from './bootstrap-admin.use-case';
import { CreateAdmin } from './create-admin.use-case';

const noCommon = { contains: (p: string) => p === 'passwordpassword' };

function setup() {
  const users = new InMemoryUserRepository();
  const create = new CreateAdmin(users, new PlainPasswordHasher(), new FixedClock(), noCommon);
  return { users, bootstrap: new BootstrapAdmin(users, create) };
}

describe('BootstrapAdmin', () => {
  it('creates the first ADMIN only while there is no user', async () => {
    const { users, bootstrap } = setup();
    await expect(bootstrap.execute({ username: 'first', password: 'a sturdy pass phrase' })).resolves.toBe(
      'created',
    );
    await expect(bootstrap.execute({ username: 'second', password: 'a sturdy pass phrase' })).resolves.toBe(
      'skipped-users-exist',
    );
    expect(users.all().map((u) => u.username)).toEqual(['first']);
  });

  it('does nothing when not configured', async () => {
    const { users, bootstrap } = setup();
    await expect(bootstrap.execute({})).resolves.toBe('skipped-not-configured');
    await expect(bootstrap.execute({ username: 'first' })).resolves.toBe('skipped-not-configured');
    await expect(bootstrap.execute({ password: 'a sturdy pass phrase' })).resolves.toBe(
      'skipped-not-configured',
    );
    expect(users.all()).toHaveLength(0);
  });

  it('AUTH-06: a default or weak configured password stops the start-up; no account is created', async () => {
    const { users, bootstrap } = setup();
    for (const password of ['admin', 'adminadmin', 'changemechangeme', 'passwordpassword'])
      await expect(bootstrap.execute({ username: 'admin', password })).rejects.toBeInstanceOf(WeakPassword);
    expect(users.all()).toHaveLength(0);
  });

  it('creates the first ADMIN with the configured e-mail, or none', async () => {
    const { users, bootstrap } = setup();
    await bootstrap.execute({
      username: 'first',
      password: 'a sturdy pass phrase',
      email: 'ops@example.org',
    });
    expect(users.all()[0]!.toProps()).toMatchObject({
      role: 'ADMIN',
      isActive: true,
      email: 'ops@example.org',
    });
    const other = setup();
    await other.bootstrap.execute({ username: 'first', password: 'a sturdy pass phrase' });
    expect(other.users.all()[0]!.email).toBeNull();
  });
});
