import { isTotpCode, newBackupCodes, normaliseBackupCode, possibleSteps, stepAt } from './codes';

describe('TOTP codes', () => {
  const at = Date.UTC(2026, 10, 27, 12, 0, 15); // 15 s into a step

  it('TOTP-02: a matched step is exact; an unknown one spans the T−1..T+1 window of TOTP-03', () => {
    const now = stepAt(at);
    expect(possibleSteps(now - 1, at)).toEqual({ first: now - 1, last: now - 1 });
    expect(possibleSteps(null, at)).toEqual({ first: now - 1, last: now + 1 });
    // Asked before a step boundary, answered after it: both windows count.
    expect(possibleSteps(null, at, at + 30_000)).toEqual({ first: now - 1, last: now + 2 });
  });

  it('TOTP-05: steps come from the server time only, 30 s each', () => {
    expect(stepAt(at + 14_999)).toBe(stepAt(at));
    expect(stepAt(at + 15_000)).toBe(stepAt(at) + 1);
  });

  it('TOTP-04: only six ASCII digits are a code', () => {
    expect(isTotpCode('012345')).toBe(true);
    for (const bad of ['12345', '1234567', '12 345', '１２３４５６', '123456\n', 123456, ['123456']])
      expect(isTotpCode(bad)).toBe(false);
  });

  it('BC-03: ten codes, each 10 characters of a 32-letter alphabet (50 bits), never repeating', () => {
    const seen = new Set<string>();
    for (let round = 0; round < 50; round += 1) {
      const codes = newBackupCodes();
      expect(codes).toHaveLength(10);
      for (const code of codes) {
        expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
        seen.add(code);
      }
    }
    expect(seen.size).toBe(500);
  });

  it('BC-05: backup codes are compared without dashes, spaces or case', () => {
    expect(normaliseBackupCode(' abcde-12345 ')).toBe('ABCDE12345');
    expect(normaliseBackupCode('ABCDE-1234I')).toBeNull(); // I is not in the alphabet
  });
});
