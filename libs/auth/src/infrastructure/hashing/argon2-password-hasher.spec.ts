import * as argon2 from 'argon2';
import * as bcrypt from 'bcryptjs';
import { Argon2PasswordHasher, meetsPolicy } from './argon2-password-hasher.adapter';

const ASVS_ARGON2ID = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/;

describe('Argon2PasswordHasher', () => {
  const hasher = new Argon2PasswordHasher();

  it('AUTH-01: hashes with argon2id at or above the ASVS floor', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    const [, m, t] = ASVS_ARGON2ID.exec(hash) ?? [];
    expect(m).toBeDefined();
    const memory = Number(m);
    const time = Number(t);
    expect(
      (time === 2 && memory >= 19456) || (time === 1 && memory >= 47104) || (time >= 3 && memory >= 12288),
    ).toBe(true);
    await expect(hasher.verify(hash, 'correct horse battery staple')).resolves.toEqual({
      matches: true,
      needsRehash: false,
    });
  });

  it('AUTH-01: an argon2id hash below the policy matches and asks for a re-hash', async () => {
    const weak = await argon2.hash('correct horse battery staple', {
      type: argon2.argon2id,
      memoryCost: 8192,
      timeCost: 2,
      parallelism: 1,
    });
    await expect(hasher.verify(weak, 'correct horse battery staple')).resolves.toEqual({
      matches: true,
      needsRehash: true,
    });
    expect(meetsPolicy(8192, 2, 1)).toBe(false);
    expect(meetsPolicy(19456, 2, 2)).toBe(false);
    expect(meetsPolicy(19456, 2, 1)).toBe(true);
  });

  it('AUTH-02: verifies exactly what was sent (trailing space, case)', async () => {
    const hash = await hasher.hash('Pass phrase 123');
    await expect(hasher.verify(hash, 'Pass phrase 123 ')).resolves.toMatchObject({ matches: false });
    await expect(hasher.verify(hash, 'pass phrase 123')).resolves.toMatchObject({ matches: false });
    await expect(hasher.verify(hash, 'Pass phrase 123')).resolves.toMatchObject({ matches: true });
  });

  it('AUTH-02: no truncation: a 100-char password sharing the first 72 chars is refused', async () => {
    const long = 'a1b2c3d4e5'.repeat(10);
    const sameStart = long.slice(0, 72) + 'X'.repeat(28);
    const hash = await hasher.hash(long);
    await expect(hasher.verify(hash, sameStart)).resolves.toMatchObject({ matches: false });
    await expect(hasher.verify(hash, long)).resolves.toMatchObject({ matches: true });
  });

  it("verifies the original's bcrypt hashes and asks for an upgrade", async () => {
    const legacy = bcrypt.hashSync('secure_password_123', 10);
    await expect(hasher.verify(legacy, 'secure_password_123')).resolves.toEqual({
      matches: true,
      needsRehash: true,
    });
    await expect(hasher.verify(legacy, 'secure_password_124')).resolves.toEqual({
      matches: false,
      needsRehash: false,
    });
  });

  it('AUTH-02: refuses a bcrypt match on a password longer than bcrypt reads (72 bytes)', async () => {
    const long = 'b'.repeat(72);
    const legacy = bcrypt.hashSync(long, 4);
    await expect(hasher.verify(legacy, long + 'extra')).resolves.toMatchObject({ matches: false });
    await expect(hasher.verify(legacy, long)).resolves.toMatchObject({ matches: true });
  });

  it('treats an unknown or corrupt hash as a mismatch, not an error', async () => {
    await expect(hasher.verify('not-a-hash', 'x')).resolves.toEqual({ matches: false, needsRehash: false });
    await expect(hasher.verify('$argon2id$v=19$m=19456,t=2,p=1$broken', 'x')).resolves.toEqual({
      matches: false,
      needsRehash: false,
    });
  });
});
