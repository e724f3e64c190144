import { addUser, InMemoryUserRepository } from '../testing';
import { ListUsers } from './list-users.use-case';

describe('ListUsers', () => {
  it('returns every user, active or not, ordered by username', async () => {
    const users = new InMemoryUserRepository();
    await addUser(users, { username: 'zoe' });
    await addUser(users, { username: 'adam', role: 'ADMIN' });
    await addUser(users, { username: 'mia', isActive: false });
    const list = await new ListUsers(users).execute();
    expect(list.map((u) => [u.username, u.role, u.isActive])).toEqual([
      ['adam', 'ADMIN', true],
      ['mia', 'DEV', false],
      ['zoe', 'DEV', true],
    ]);
  });

  it('is empty without users', async () => {
    await expect(new ListUsers(new InMemoryUserRepository()).execute()).resolves.toEqual([]);
  });
});
