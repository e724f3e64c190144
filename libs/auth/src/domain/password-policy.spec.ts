import { WeakPassword } from './auth.errors';
import { PasswordPolicy } from './password-policy';

const common = new Set(['password', 'qwertyuiop123', 'iloveyou', 'sunshine']);
const policy = new PasswordPolicy((p) => common.has(p));

describe('PasswordPolicy (AUTH-05, AUTH-06)', () => {
  it.each([
    ['too short', 'Sh0rt-pass!'],
    ['a common password', 'qwertyuiop123'],
    ['a common word with digits', 'Sunshine2026!'],
    ['default admin/admin style', 'adminadmin'],
    ['product name', 'uyoopcal1234'],
    ['repeated characters', 'aaaaaaaaaaaaaaaa'],
    ['contains the username', 'alice-in-the-garden'],
    ['over 1024 bytes', 'é'.repeat(513)],
  ])('refuses %s', (_label, password) => {
    expect(() => policy.check(password, 'alice')).toThrow(WeakPassword);
  });

  it('says why a password is refused', () => {
    expect(() => policy.check('short', 'bob')).toThrow(
      'password is too weak: it must have at least 12 characters',
    );
  });

  it.each([
    'correct horse battery staple',
    'Tr0ub4dor&3-extended',
    'x'.repeat(6) + 'yz-0123456789',
    'zèbre-cerf-volant-7',
  ])('accepts %s (no composition rules)', (password) => {
    expect(() => policy.check(password, 'alice')).not.toThrow();
  });

  it('accepts a 64+ character passphrase (AUTH-02)', () => {
    expect(() => policy.check('a long passphrase that keeps going '.repeat(3), 'alice')).not.toThrow();
  });
});
