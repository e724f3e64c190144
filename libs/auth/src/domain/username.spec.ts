import { InvalidUsername } from './auth.errors';
import { Username } from './username';

describe('Username', () => {
  it('keeps the typed form and keys on the lower-cased one (RL-07)', () => {
    const u = Username.parse('Alice.Ops');
    expect(u.value).toBe('Alice.Ops');
    expect(u.key).toBe('alice.ops');
  });

  it('folds full-width forms: ａｌｉｃｅ is alice', () => {
    expect(Username.parse('ＡＬＩＣＥ').key).toBe('alice');
    expect(Username.keyOf('ａｌｉｃｅ')).toBe(Username.keyOf('ALICE'));
  });

  it.each([
    'ab',
    '-alice',
    'alice smith',
    'alice\r\nadmin',
    'a'.repeat(65),
    'alice&secret=AAAA',
    'evil:admin',
    '',
  ])('refuses %j', (raw) => {
    expect(() => Username.parse(raw)).toThrow(InvalidUsername);
  });
});
