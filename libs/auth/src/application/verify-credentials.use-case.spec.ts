import { FixedClock } from '@uyoop/shared/testing';
import { User } from '../domain/user';
import { InMemoryUserRepository, PlainPasswordHasher } from '../testing';
import { VerifyCredentials } from './verify-credentials.use-case';

function user(overrides: Partial<Parameters<typeof User.restore>[0]> = {}): User {
  return User.restore({
    id: '6f1c1f6e-8a5e-4a43-9a57-0d8f0f7b8d11',
    username: 'Alice',
    email: null,
    passwordHash: 'plain:right pass phrase',
    role: 'DEV',
    totpEnabled: false,
    isActive: true,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  });
}

async function setup(existing: User) {
  const users = new InMemoryUserRepository();
  await users.add(existing);
  const hasher = new PlainPasswordHasher();
  const clock = new FixedClock(new Date('2026-03-02T09:00:00Z'));
  return { users, hasher, verify: new VerifyCredentials(users, hasher, clock) };
}

describe('VerifyCredentials', () => {
  it('returns the user for the right password, whatever the username case', async () => {
    const { verify } = await setup(user());
    await expect(verify.execute('aLiCe', 'right pass phrase')).resolves.toMatchObject({ username: 'Alice' });
  });

  it('AUTH-03: wrong password, unknown user and inactive user all give the same null', async () => {
    const { verify, hasher } = await setup(user({ isActive: false }));
    await expect(verify.execute('alice', 'right pass phrase')).resolves.toBeNull();
    await expect(verify.execute('alice', 'wrong')).resolves.toBeNull();
    await expect(verify.execute('nobody', 'right pass phrase')).resolves.toBeNull();
    expect(hasher.dummyCalls).toBe(1); // the unknown user still cost a verification (AUTH-04)
  });

  it('AUTH-01: re-hashes a legacy hash after a successful login', async () => {
    const { verify, users } = await setup(user({ passwordHash: 'old:right pass phrase' }));
    await verify.execute('alice', 'right pass phrase');
    const stored = await users.findByUsername('alice');
    expect(stored?.passwordHash).toBe('plain:right pass phrase');
    expect(stored?.updatedAt.toISOString()).toBe('2026-03-02T09:00:00.000Z');
  });

  it('AUTH-02: refuses an oversized password before hashing', async () => {
    const { verify, hasher } = await setup(user());
    await expect(verify.execute('alice', 'x'.repeat(1025))).resolves.toBeNull();
    expect(hasher.dummyCalls).toBe(0);
  });
});
