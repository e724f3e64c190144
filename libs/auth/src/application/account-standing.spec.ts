import { addUser, InMemoryUserRepository } from '../testing';
import { AccountStanding } from './account-standing';

describe('AccountStanding', () => {
  it('answers activity, stored role and second factor for each known id; unknown ids are absent', async () => {
    const users = new InMemoryUserRepository();
    const ops = await addUser(users, { username: 'otto', role: 'OPS', totpEnabled: true });
    const gone = await addUser(users, { username: 'gone', role: 'ADMIN', isActive: false });
    const standing = new AccountStanding(users);

    const answer = await standing.of([ops.id, gone.id, '00000000-0000-4000-8000-000000000000', ops.id]);

    expect([...answer.entries()].sort(([a], [b]) => a.localeCompare(b))).toEqual(
      [
        [ops.id, { active: true, role: 'OPS', hasSecondFactor: true }],
        [gone.id, { active: false, role: 'ADMIN', hasSecondFactor: false }],
      ].sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  });

  it('JWT-06: reflects the current stored state (a demotion, a deactivation)', async () => {
    const users = new InMemoryUserRepository();
    const admin = await addUser(users, { username: 'adam', role: 'ADMIN' });
    admin.changeRole('DEV', new Date());
    admin.setActive(false, new Date());
    await users.saveAccess(admin);
    const answer = await new AccountStanding(users).of([admin.id]);
    expect(answer.get(admin.id)).toEqual({ active: false, role: 'DEV', hasSecondFactor: false });
  });

  it('an empty question gets an empty answer', async () => {
    await expect(new AccountStanding(new InMemoryUserRepository()).of([])).resolves.toEqual(new Map());
  });
});
