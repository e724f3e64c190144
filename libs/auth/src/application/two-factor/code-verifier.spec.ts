import { stepAt } from '../../domain/two-factor/codes';
import { TwoFactorUnavailable } from '../../domain/two-factor/two-factor.errors';
import { twoFactorWorld } from '../../testing/two-factor';

const ALICE = '7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01';
const BOB = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';
const STEP_MS = 30_000;

describe('CodeVerifier: TOTP codes', () => {
  it('accepts a current code and remembers its step', async () => {
    const w = twoFactorWorld();
    const { keyName } = await w.enrolled(ALICE);
    await expect(w.verifier.verifyTotp(ALICE, keyName, w.engine.code(keyName))).resolves.toBe('accepted');
    expect(w.repo.credential(ALICE)?.lastStep).toBe(stepAt(w.clock.now().getTime()));
    expect(w.engine.validations).toEqual([
      { keyName, code: w.engine.code(keyName), nowMs: w.clock.now().getTime() },
    ]);
  });

  it('refuses a wrong code', async () => {
    const w = twoFactorWorld();
    const { keyName } = await w.enrolled(ALICE);
    const wrong = w.engine.code(keyName) === '000000' ? '000001' : '000000';
    await expect(w.verifier.verifyTotp(ALICE, keyName, wrong)).resolves.toBe('refused');
    expect(w.repo.rememberedCodes(ALICE)).toEqual([]);
  });

  it('TOTP-04: anything but six ASCII digits is refused without asking the engine', async () => {
    const w = twoFactorWorld();
    const { keyName } = await w.enrolled(ALICE);
    const good = w.engine.code(keyName);
    const malformed: unknown[] = [
      good.slice(0, 5),
      `${good}7`,
      `${good.slice(0, 2)} ${good.slice(2)}`,
      good.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))), // full-width digits
      `${good}\n`,
      ` ${good}`,
      Number(good),
      [good],
      null,
      undefined,
      '',
    ];
    for (const code of malformed)
      await expect(w.verifier.verifyTotp(ALICE, keyName, code)).resolves.toBe('refused');
    expect(w.engine.validations).toEqual([]);
    // The well-formed code still works afterwards: the refusals remembered nothing.
    await expect(w.verifier.verifyTotp(ALICE, keyName, good)).resolves.toBe('accepted');
  });

  it('TOTP-01: an accepted code is refused when presented again, also on a later step', async () => {
    const w = twoFactorWorld();
    const { keyName } = await w.enrolled(ALICE);
    const code = w.engine.code(keyName);
    await expect(w.verifier.verifyTotp(ALICE, keyName, code)).resolves.toBe('accepted');
    await expect(w.verifier.verifyTotp(ALICE, keyName, code)).resolves.toBe('refused');
    w.clock.advance(STEP_MS); // still inside the engine's T−1..T+1 window
    await expect(w.verifier.verifyTotp(ALICE, keyName, code)).resolves.toBe('refused');
  });

  it('TOTP-01: two parallel submissions of one code: exactly one is accepted', async () => {
    const w = twoFactorWorld();
    const { keyName } = await w.enrolled(ALICE);
    const code = w.engine.code(keyName);
    const outcomes = await Promise.all([
      w.verifier.verifyTotp(ALICE, keyName, code),
      w.verifier.verifyTotp(ALICE, keyName, code),
    ]);
    expect(outcomes.sort()).toEqual(['accepted', 'refused']);
  });

  it('TOTP-02: after step T is accepted, a valid unused code of an earlier step is too soon', async () => {
    const w = twoFactorWorld();
    const { keyName } = await w.enrolled(ALICE);
    const ahead = w.engine.code(keyName, 1); // from a phone whose clock runs ahead
    await expect(w.verifier.verifyTotp(ALICE, keyName, ahead)).resolves.toBe('accepted');
    for (const offset of [0, -1]) {
      const earlier = w.engine.code(keyName, offset);
      expect(earlier).not.toBe(ahead);
      await expect(w.verifier.verifyTotp(ALICE, keyName, earlier)).resolves.toBe('too_soon');
    }
    // A too-soon code is not remembered as accepted, and the last step did not move back.
    expect(w.repo.rememberedCodes(ALICE)).toHaveLength(1);
    expect(w.repo.credential(ALICE)?.lastStep).toBe(stepAt(w.clock.now().getTime()) + 1);
    w.clock.advance(2 * STEP_MS);
    await expect(w.verifier.verifyTotp(ALICE, keyName, w.engine.code(keyName))).resolves.toBe('accepted');
  });

  it('TOTP-02: with an engine that cannot tell the step (Vault), the next code waits two steps', async () => {
    const w = twoFactorWorld({ coarse: true });
    const { keyName } = await w.enrolled(ALICE);
    const now = stepAt(w.clock.now().getTime());
    await expect(w.verifier.verifyTotp(ALICE, keyName, w.engine.code(keyName))).resolves.toBe('accepted');
    expect(w.repo.credential(ALICE)?.lastStep).toBe(now + 1); // the code may have been of T+1
    await expect(w.verifier.verifyTotp(ALICE, keyName, w.engine.code(keyName, 1))).resolves.toBe('too_soon');
    w.clock.advance(STEP_MS);
    await expect(w.verifier.verifyTotp(ALICE, keyName, w.engine.code(keyName))).resolves.toBe('too_soon');
    w.clock.advance(STEP_MS);
    await expect(w.verifier.verifyTotp(ALICE, keyName, w.engine.code(keyName))).resolves.toBe('accepted');
  });

  it('TOTP-02: an engine that answers after a step boundary closes the window around both steps', async () => {
    const w = twoFactorWorld({ coarse: true, answerAfterMs: 2_000 });
    const { keyName } = await w.enrolled(ALICE);
    w.clock.set(new Date('2026-03-02T09:00:29Z')); // asked one second before the boundary
    const asked = stepAt(w.clock.now().getTime());
    await expect(w.verifier.verifyTotp(ALICE, keyName, w.engine.code(keyName))).resolves.toBe('accepted');
    expect(stepAt(w.clock.now().getTime())).toBe(asked + 1);
    expect(w.repo.credential(ALICE)?.lastStep).toBe(asked + 2);
  });

  it('TOTP-08: the replay memory is the repository’s, not the engine’s, and holds no code in the clear', async () => {
    const w = twoFactorWorld({ coarse: true });
    const { keyName } = await w.enrolled(ALICE);
    // An engine without a used-code cache of its own (another Vault node, or one just restarted).
    w.engine.script(keyName, '123456', { valid: true, step: null });
    await expect(w.verifier.verifyTotp(ALICE, keyName, '123456')).resolves.toBe('accepted');
    await expect(w.verifier.verifyTotp(ALICE, keyName, '123456')).resolves.toBe('refused');
    const remembered = w.repo.rememberedCodes(ALICE);
    expect(remembered).toHaveLength(1);
    expect(remembered[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(remembered[0]).not.toContain('123456');
    // Kept for the widest window the code could be valid in (T−1..T+1), then forgotten.
    expect(w.repo.rememberedCodes(ALICE, new Date(w.clock.now().getTime() + 3 * STEP_MS - 1))).toHaveLength(
      1,
    );
    expect(w.repo.rememberedCodes(ALICE, new Date(w.clock.now().getTime() + 3 * STEP_MS))).toEqual([]);
  });

  it('TOTP-07: an engine outage fails closed: the error comes through, nothing is accepted', async () => {
    const w = twoFactorWorld();
    const { keyName, backupCodes } = await w.enrolled(ALICE);
    w.engine.failure = new TwoFactorUnavailable();
    await expect(w.verifier.verifyTotp(ALICE, keyName, w.engine.code(keyName))).rejects.toBeInstanceOf(
      TwoFactorUnavailable,
    );
    await expect(w.verifier.verifyAny(ALICE, w.engine.code(keyName))).rejects.toBeInstanceOf(
      TwoFactorUnavailable,
    );
    expect(w.repo.rememberedCodes(ALICE)).toEqual([]);
    // Backup codes do not need the engine: they still work (the break-glass path).
    await expect(w.verifier.verifyAny(ALICE, backupCodes[0])).resolves.toEqual({
      accepted: true,
      backupCodesRemaining: 9,
    });
  });
});

describe('CodeVerifier: backup codes', () => {
  it('BC-01: a backup code is spent once; the second use is refused', async () => {
    const w = twoFactorWorld();
    const { backupCodes } = await w.enrolled(ALICE);
    await expect(w.verifier.verifyBackupCode(ALICE, backupCodes[0])).resolves.toBe(9);
    await expect(w.verifier.verifyBackupCode(ALICE, backupCodes[0])).resolves.toBeNull();
    expect(w.audit.actions()).toEqual(['backup_code_used']);
    expect(w.repo.backupCodesOf(ALICE).filter((c) => c.usedAt !== null)).toHaveLength(1);
  });

  it('BC-01: two parallel submissions of one backup code: exactly one succeeds', async () => {
    const w = twoFactorWorld();
    const { backupCodes } = await w.enrolled(ALICE);
    const both = await Promise.all([
      w.verifier.verifyBackupCode(ALICE, backupCodes[3]),
      w.verifier.verifyBackupCode(ALICE, backupCodes[3]),
    ]);
    expect(both.filter((r) => r !== null)).toEqual([9]);
    expect(both.filter((r) => r === null)).toHaveLength(1);
    expect(w.audit.actions()).toEqual(['backup_code_used']);
  });

  it('BC-06: the count left is read after the spend, so two codes spent at once never both claim 9', async () => {
    const w = twoFactorWorld();
    const { backupCodes } = await w.enrolled(ALICE);
    const both = await Promise.all([
      w.verifier.verifyBackupCode(ALICE, backupCodes[0]),
      w.verifier.verifyBackupCode(ALICE, backupCodes[1]),
    ]);
    expect(both).not.toContain(null);
    expect(both).toContain(8);
    expect(w.audit.entries.map((e) => e.details?.['remaining'])).toContain(8);
  });

  it('BC-05: a backup code is accepted without its dash, in any case, with spaces', async () => {
    const w = twoFactorWorld();
    const { backupCodes } = await w.enrolled(ALICE);
    const [a, b, c] = backupCodes as [string, string, string];
    await expect(w.verifier.verifyBackupCode(ALICE, a.replace('-', '').toLowerCase())).resolves.toBe(9);
    await expect(w.verifier.verifyBackupCode(ALICE, ` ${b.slice(0, 5)} ${b.slice(6)} `)).resolves.toBe(8);
    await expect(w.verifier.verifyBackupCode(ALICE, c.toLowerCase())).resolves.toBe(7);
  });

  it('refuses malformed codes before any hash comparison, and unknown or foreign ones after', async () => {
    const w = twoFactorWorld();
    await w.enrolled(ALICE);
    const bob = await w.enrolled(BOB);
    for (const bad of [
      'ABCDE-1234I',
      'ABCDE-1234',
      'ABCDE-123456',
      1234567890,
      ['ABCDE-12345'],
      null,
      'x'.repeat(33),
    ])
      await expect(w.verifier.verifyBackupCode(ALICE, bad)).resolves.toBeNull();
    expect(w.hasher.compared).toBe(0);
    await expect(w.verifier.verifyBackupCode(ALICE, bob.backupCodes[0])).resolves.toBeNull();
    await expect(w.verifier.verifyBackupCode(ALICE, '00000-00000')).resolves.toBeNull();
    expect(w.audit.entries).toEqual([]);
    expect(w.repo.backupCodesOf(BOB).every((c) => c.usedAt === null)).toBe(true);
  });

  it('BC-06: each use is audited with the count left; a warning only once few are left', async () => {
    const w = twoFactorWorld();
    const { backupCodes } = await w.enrolled(ALICE);
    for (const code of backupCodes) await w.verifier.verifyBackupCode(ALICE, code);
    expect(w.audit.entries).toHaveLength(10);
    for (const entry of w.audit.entries)
      expect(entry).toMatchObject({
        action: 'backup_code_used',
        actorId: ALICE,
        targetType: 'user',
        targetId: ALICE,
      });
    const details = w.audit.entries.map((e) => e.details);
    expect(details.slice(0, 6)).toEqual([9, 8, 7, 6, 5, 4].map((remaining) => ({ remaining })));
    expect(details.slice(6)).toEqual([
      { remaining: 3, warning: 'Only 3 backup codes left. Generate new ones with POST /2fa/backup-codes.' },
      { remaining: 2, warning: 'Only 2 backup codes left. Generate new ones with POST /2fa/backup-codes.' },
      { remaining: 1, warning: 'Only 1 backup code left. Generate new ones with POST /2fa/backup-codes.' },
      {
        remaining: 0,
        warning: 'That was your last backup code. Generate new ones with POST /2fa/backup-codes.',
      },
    ]);
    expect(w.uow.runs).toBe(10); // each spend and its audit entry are one unit (LOG-TX-01)
  });
});

describe('CodeVerifier: any code of an active enrolment', () => {
  it('MFA-01: a pending enrolment (or none) accepts nothing, and the engine is not asked', async () => {
    const w = twoFactorWorld();
    const { keyName } = await w.pending(ALICE);
    const refused = { accepted: false, tooSoon: false };
    await expect(w.verifier.verifyAny(ALICE, w.engine.code(keyName))).resolves.toEqual(refused);
    await expect(w.verifier.verifyAny(BOB, '123456')).resolves.toEqual(refused);
    expect(w.engine.validations).toEqual([]);
  });

  it('tells a TOTP code from a backup code, and says how many backup codes are left', async () => {
    const w = twoFactorWorld();
    const { keyName, backupCodes } = await w.enrolled(ALICE);
    await expect(w.verifier.verifyAny(ALICE, w.engine.code(keyName))).resolves.toEqual({
      accepted: true,
      backupCodesRemaining: null,
    });
    await expect(w.verifier.verifyAny(ALICE, backupCodes[0])).resolves.toEqual({
      accepted: true,
      backupCodesRemaining: 9,
    });
    await expect(w.verifier.verifyAny(ALICE, backupCodes[0])).resolves.toEqual({
      accepted: false,
      tooSoon: false,
    });
  });

  it('TOTP-01/TOTP-02: a replay is a plain refusal; a valid code from too early is flagged too soon', async () => {
    const w = twoFactorWorld();
    const { keyName } = await w.enrolled(ALICE);
    const ahead = w.engine.code(keyName, 1);
    await expect(w.verifier.verifyAny(ALICE, ahead)).resolves.toMatchObject({ accepted: true });
    await expect(w.verifier.verifyAny(ALICE, ahead)).resolves.toEqual({ accepted: false, tooSoon: false });
    await expect(w.verifier.verifyAny(ALICE, w.engine.code(keyName, -1))).resolves.toEqual({
      accepted: false,
      tooSoon: true,
    });
  });

  it('TOTP-04: a malformed code is neither sent to the engine nor taken for a backup code', async () => {
    const w = twoFactorWorld();
    const { keyName } = await w.enrolled(ALICE);
    for (const code of [`${w.engine.code(keyName)}\n`, Number(w.engine.code(keyName)), '12345'])
      await expect(w.verifier.verifyAny(ALICE, code)).resolves.toEqual({ accepted: false, tooSoon: false });
    expect(w.engine.validations).toEqual([]);
    expect(w.hasher.compared).toBe(0);
  });
});
