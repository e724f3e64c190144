import { provisionApp, startVaultTarget, type VaultTarget } from '../../../test-support/vault-target';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { type SteppingClock, steppingClockFor } from '../../../test-support/clock';
import { login, PASSWORD, seedUser, type SeededUser, type Tokens } from '../../../test-support/auth';
import {
  Authenticator,
  base32Decode,
  currentStep,
  parseOtpauthUrl,
  totpAtStep,
} from '../../../test-support/totp';

// A real Vault's clock cannot be moved: there, fresh codes are waited for (test-support/clock.ts).
if (process.env.VAULT_ADDR) jest.setTimeout(10 * 60_000);

/**
 * The same TOTP suite against both engines: the local one, and Vault's TOTP engine (the emulator over
 * HTTP, or a real Vault when VAULT_ADDR is set).
 */
describe.each(['local', 'vault'] as const)('two-factor authentication, %s engine (e2e)', (engine) => {
  let t: TestApp;
  let vault: VaultTarget | undefined;
  const http = () => request(t.app.getHttpServer());
  const bearer = (tokens: Tokens) => `Bearer ${tokens.access}`;
  /** Vault accepts T−1..T+1 without telling which step matched: a fresh code needs two steps more. */
  const coarse = engine === 'vault';
  let clock: SteppingClock;

  beforeAll(async () => {
    const env: Record<string, string> = { RATE_LIMIT_LOGIN_PER_MINUTE: '1000' };
    if (engine === 'vault') {
      vault = await startVaultTarget();
      clock = steppingClockFor(vault);
      const creds = await provisionApp(vault);
      // Split credentials (TOTP-09): the login role checks codes, the enrolment role writes keys.
      Object.assign(env, {
        VAULT_ADDR: vault.address,
        VAULT_ROLE_ID: creds.roleId,
        VAULT_SECRET_ID: creds.secretId,
        VAULT_ENROL_ROLE_ID: creds.enrol.roleId,
        VAULT_ENROL_SECRET_ID: creds.enrol.secretId,
      });
    }
    clock ??= steppingClockFor();
    t = await createTestApp(env, { clock });
  });
  afterAll(async () => {
    await t?.close();
    await vault?.stop();
  });

  /** A user with 2FA enabled through the API, as a person would: setup, scan, enable. */
  async function enrolled(name: string, role: SeededUser['role'] = 'DEV') {
    const user = await seedUser(t.app, name, role);
    const tokens = await login(t.app, name);
    const setup = await http().post('/2fa/setup').set('Authorization', bearer(tokens));
    expect(setup.status).toBe(200);
    const app = Authenticator.fromUrl(setup.body.otpauth_url, { clock, coarse });
    const enable = await http()
      .post('/2fa/enable')
      .set('Authorization', bearer(tokens))
      .send({ code: app.next() });
    expect(enable.status).toBe(200);
    return { user, tokens, app, backupCodes: enable.body.backup_codes as string[] };
  }

  async function mfaToken(name: string): Promise<string> {
    const res = await http().post('/login').send({ username: name, password: PASSWORD });
    expect(res.body.requires_totp).toBe(true);
    return res.body.mfa_token as string;
  }

  it('MFA-01: setup gives a QR code and an otpauth URL; 2FA stays off until a first code', async () => {
    await seedUser(t.app, 'nora', 'DEV');
    const tokens = await login(t.app, 'nora');
    const setup = await http().post('/2fa/setup').set('Authorization', bearer(tokens));
    expect(setup.status).toBe(200);
    expect(setup.headers['cache-control']).toBe('no-store');
    expect(setup.body.qr_code).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(setup.body.otpauth_url).toMatch(
      /^otpauth:\/\/totp\/uyoop-cal:nora\?algorithm=SHA1&digits=6&issuer=uyoop-cal&period=30&secret=[A-Z2-7]{32}$/,
    );
    const status = await http().get('/2fa/status').set('Authorization', bearer(tokens));
    expect(status.body).toEqual({ enabled: false, backup_codes_remaining: 0 });
    const app = Authenticator.fromUrl(setup.body.otpauth_url, { clock, coarse });
    expect(
      (await http().post('/2fa/enable').set('Authorization', bearer(tokens)).send({ code: '000000' })).body
        .message,
    ).toBe('Invalid 2FA code');
    const enable = await http()
      .post('/2fa/enable')
      .set('Authorization', bearer(tokens))
      .send({ code: app.next() });
    expect(enable.status).toBe(200);
    expect(enable.headers['cache-control']).toBe('no-store');
    expect(enable.body.enabled).toBe(true);
    expect(enable.body.backup_codes).toHaveLength(10);
    expect(new Set(enable.body.backup_codes).size).toBe(10);
    expect((await http().get('/2fa/status').set('Authorization', bearer(tokens))).body).toEqual({
      enabled: true,
      backup_codes_remaining: 10,
    });
    expect((await http().post('/2fa/setup').set('Authorization', bearer(tokens))).status).toBe(409);
  });

  it('enable without a setup is a 400 that says what to do', async () => {
    await seedUser(t.app, 'olga', 'DEV');
    const tokens = await login(t.app, 'olga');
    const res = await http()
      .post('/2fa/enable')
      .set('Authorization', bearer(tokens))
      .send({ code: '123456' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('No pending two-factor setup: call POST /2fa/setup first');
  });

  it('TOTP-01: a code logs in once; its replay is refused', async () => {
    const { app } = await enrolled('pia');
    const code = app.next();
    const first = await http()
      .post('/2fa/verify')
      .send({ mfa_token: await mfaToken('pia'), code });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      requires_totp: false,
      token_type: 'bearer',
      user: { username: 'pia', totp_enabled: true },
    });
    const replay = await http()
      .post('/2fa/verify')
      .send({ mfa_token: await mfaToken('pia'), code });
    expect(replay.status).toBe(401);
    expect(replay.body.message).toBe('Invalid 2FA code');
  });

  it('TOTP-01: two parallel logins with one code: exactly one succeeds', async () => {
    const { app } = await enrolled('quinn');
    const code = app.next();
    const [a, b] = await Promise.all([mfaToken('quinn'), mfaToken('quinn')]);
    const results = await Promise.all([
      http().post('/2fa/verify').send({ mfa_token: a, code }),
      http().post('/2fa/verify').send({ mfa_token: b, code }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('TOTP-02: after step T is accepted, a valid code of step T−1 is refused', async () => {
    const { app } = await enrolled('rita');
    const later = app.next();
    expect(
      (await http().post('/login').send({ username: 'rita', password: PASSWORD, totp_code: later })).status,
    ).toBe(200);
    const earlier = totpAtStep(app.secret, app.lastStepUsed - 1);
    expect(
      (await http().post('/login').send({ username: 'rita', password: PASSWORD, totp_code: earlier })).status,
    ).toBe(401);
  });

  it('TOTP-02: a code from ahead of the server clock closes every step before it', async () => {
    const { app } = await enrolled('ruth');
    clock.advance(2 * 30_000); // well past the step enable used, for either engine
    const ahead = app.at(1);
    expect(
      (await http().post('/login').send({ username: 'ruth', password: PASSWORD, totp_code: ahead })).status,
    ).toBe(200);
    clock.advance(30_000);
    // The previous step's code is inside every engine's window and has never been used, yet it is
    // older than the code just accepted.
    const behind = app.at(-1);
    expect(behind).not.toBe(ahead);
    const res = await http().post('/login').send({ username: 'ruth', password: PASSWORD, totp_code: behind });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('Invalid 2FA code');
  });

  it('TOTP-02: a valid, unused but too early code is refused without counting toward the lockout', async () => {
    const { user, app } = await enrolled('ruby');
    clock.advance(2 * 30_000);
    const ahead = app.at(1);
    expect(
      (await http().post('/login').send({ username: 'ruby', password: PASSWORD, totp_code: ahead })).status,
    ).toBe(200);
    // Both are inside every engine's window and were never used, yet not newer than `ahead`.
    for (const code of [app.at(0), app.at(-1)]) {
      const res = await http().post('/login').send({ username: 'ruby', password: PASSWORD, totp_code: code });
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('Invalid 2FA code');
    }
    const ds = t.app.get(DataSource);
    const reasons = (await ds.query(
      `SELECT details->>'reason' AS reason FROM audit_log WHERE action = 'login_failed' AND actor_id = $1`,
      [user.id],
    )) as { reason: string }[];
    expect(reasons.map((r) => r.reason)).toEqual(['2fa_code_too_soon', '2fa_code_too_soon']);
    const lockout = (await ds.query(`SELECT failures FROM account_lockouts WHERE user_id = $1`, [
      user.id,
    ])) as {
      failures: number;
    }[];
    expect(lockout.map((l) => l.failures).filter((n) => n > 0)).toEqual([]);
  });

  it('TOTP-03: codes two steps away are refused', async () => {
    const { app } = await enrolled('sven');
    for (const offset of [2, -2]) {
      const res = await http()
        .post('/login')
        .send({ username: 'sven', password: PASSWORD, totp_code: app.at(offset) });
      expect(res.status).toBe(401);
    }
    await t.app.get(DataSource).query(`DELETE FROM account_lockouts`);
  });

  it('TOTP-04: malformed codes never validate; non-strings are a 400', async () => {
    const { app } = await enrolled('tara');
    const good = app.at(0);
    for (const code of [
      good.slice(0, 5),
      `${good}7`,
      `${good.slice(0, 2)} ${good.slice(2)}`,
      good.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
    ]) {
      const res = await http().post('/login').send({ username: 'tara', password: PASSWORD, totp_code: code });
      expect(res.status).toBe(401);
    }
    // A control character is refused at the edge like anywhere else (VAL-07), before any check.
    for (const code of [Number(good), [good], `${good}\n`]) {
      expect(
        (await http().post('/login').send({ username: 'tara', password: PASSWORD, totp_code: code })).status,
      ).toBe(400);
    }
    await t.app.get(DataSource).query(`DELETE FROM account_lockouts`);
  });

  it('MFA-03: a valid code of another user never completes this login', async () => {
    await enrolled('uma');
    const other = await enrolled('vic');
    const res = await http()
      .post('/2fa/verify')
      .send({ mfa_token: await mfaToken('uma'), code: other.app.next(), user_id: other.user.id });
    expect(res.status).toBe(400); // user_id is not a field of /2fa/verify: refused outright
    const res2 = await http()
      .post('/2fa/verify')
      .send({ mfa_token: await mfaToken('uma'), code: other.app.next() });
    expect(res2.status).toBe(401);
  });

  it('BC-01/BC-05/BC-06: a backup code works once, in any case and without its dash', async () => {
    const { backupCodes, tokens } = await enrolled('walt');
    const messy = backupCodes[0]!.replace('-', '').toLowerCase();
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('walt'), code: messy })
      ).status,
    ).toBe(200);
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('walt'), code: backupCodes[0] })
      ).status,
    ).toBe(401);
    expect((await http().get('/2fa/status').set('Authorization', bearer(tokens))).body).toEqual({
      enabled: true,
      backup_codes_remaining: 9,
    });
    const [a, b] = await Promise.all([mfaToken('walt'), mfaToken('walt')]);
    const both = await Promise.all([
      http().post('/2fa/verify').send({ mfa_token: a, code: backupCodes[1] }),
      http().post('/2fa/verify').send({ mfa_token: b, code: backupCodes[1] }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
    const audit = (await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'backup_code_used'`)) as [
      { n: number },
    ];
    expect(audit[0].n).toBeGreaterThanOrEqual(2);
  });

  it('BC-06: signing in with a backup code says how many are left and warns when few remain', async () => {
    const { backupCodes, tokens } = await enrolled('wanda');
    const signIn = async (code: string) => {
      const res = await http()
        .post('/2fa/verify')
        .send({ mfa_token: await mfaToken('wanda'), code });
      expect(res.status).toBe(200);
      return res.body as { backup_codes_remaining?: number; warning?: string };
    };
    expect(await signIn(backupCodes[0]!)).toMatchObject({ backup_codes_remaining: 9 });
    expect((await signIn(backupCodes[1]!)).warning).toBeUndefined();
    for (const code of backupCodes.slice(2, 6)) await signIn(code);
    expect(await signIn(backupCodes[6]!)).toMatchObject({
      backup_codes_remaining: 3,
      warning: 'Only 3 backup codes left. Generate new ones with POST /2fa/backup-codes.',
    });
    await signIn(backupCodes[7]!);
    expect((await signIn(backupCodes[8]!)).warning).toBe(
      'Only 1 backup code left. Generate new ones with POST /2fa/backup-codes.',
    );
    // The one-shot form of /login says the same.
    const last = await http()
      .post('/login')
      .send({ username: 'wanda', password: PASSWORD, totp_code: backupCodes[9] });
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({
      backup_codes_remaining: 0,
      warning: 'That was your last backup code. Generate new ones with POST /2fa/backup-codes.',
    });
    expect((await http().get('/2fa/status').set('Authorization', bearer(tokens))).body).toEqual({
      enabled: true,
      backup_codes_remaining: 0,
    });
    const notices = await http()
      .get('/notifications?unread=true')
      .set('Authorization', `Bearer ${last.body.access_token}`);
    expect(notices.body.filter((n: { kind: string }) => n.kind === 'backup_codes_low')).toHaveLength(4);
    // A TOTP sign-in carries neither field.
    const { app } = await enrolled('wendy');
    const totp = await http()
      .post('/login')
      .send({ username: 'wendy', password: PASSWORD, totp_code: app.next() });
    expect(totp.status).toBe(200);
    expect(totp.body).not.toHaveProperty('backup_codes_remaining');
    expect(totp.body).not.toHaveProperty('warning');
  });

  it('BC-02/TOTP-06: the database holds neither backup codes nor the TOTP seed in the clear', async () => {
    const { user, backupCodes, app } = await enrolled('xena');
    const ds = t.app.get(DataSource);
    const codes = (await ds.query(`SELECT code_hash FROM backup_codes WHERE user_id = $1`, [user.id])) as {
      code_hash: string;
    }[];
    expect(codes).toHaveLength(10);
    for (const { code_hash } of codes) expect(code_hash).toMatch(/^\$argon2id\$/);
    const dump =
      JSON.stringify(await ds.query(`SELECT * FROM backup_codes`)) +
      JSON.stringify(await ds.query(`SELECT encode(sealed_seed, 'hex') AS s FROM local_totp_keys`)) +
      JSON.stringify(await ds.query(`SELECT * FROM totp_credentials`));
    for (const code of backupCodes) expect(dump).not.toContain(code.replace('-', ''));
    const seed = base32Decode(app.secret);
    expect(seed).toHaveLength(20); // 160 bits
    expect(dump.toLowerCase()).not.toContain(seed.toString('hex'));
    expect(dump).not.toContain(app.secret);
  });

  it('BC-04: regenerating needs a current code, and the old codes stop working', async () => {
    const { tokens, app, backupCodes } = await enrolled('yuri');
    expect(
      (await http().post('/2fa/backup-codes').set('Authorization', bearer(tokens)).send({ code: '000000' }))
        .status,
    ).toBe(401);
    const fresh = await http()
      .post('/2fa/backup-codes')
      .set('Authorization', bearer(tokens))
      .send({ code: app.next() });
    expect(fresh.status).toBe(200);
    expect(fresh.body.backup_codes).toHaveLength(10);
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('yuri'), code: backupCodes[2] })
      ).status,
    ).toBe(401);
    expect(
      (
        await http()
          .post('/2fa/verify')
          .send({ mfa_token: await mfaToken('yuri'), code: fresh.body.backup_codes[0] })
      ).status,
    ).toBe(200);
  });

  it('disable with a code: key and codes destroyed, login is one step again', async () => {
    const { tokens, app, user } = await enrolled('zoe');
    const res = await http()
      .delete('/2fa/disable')
      .set('Authorization', bearer(tokens))
      .send({ code: app.next() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ enabled: false });
    const again = await http().post('/login').send({ username: 'zoe', password: PASSWORD });
    expect(again.body.requires_totp).toBe(false);
    const ds = t.app.get(DataSource);
    expect(await ds.query(`SELECT 1 FROM backup_codes WHERE user_id = $1`, [user.id])).toEqual([]);
    const keyName = `user_${user.id.replace(/-/g, '')}`;
    expect(await ds.query(`SELECT 1 FROM local_totp_keys WHERE key_name = $1`, [keyName])).toEqual([]);
    if (vault) expect((await vault.root('GET', `totp/keys/${keyName}`)).status).toBe(404);
  });

  it('status of another user: 403 for non-ADMIN, visible to ADMIN; seed user_id must be your own', async () => {
    const a = await seedUser(t.app, 'abe', 'DEV');
    const admin = await seedUser(t.app, 'boss2fa', 'ADMIN');
    const devTokens = await login(t.app, 'abe');
    expect((await http().get(`/2fa/status/${admin.id}`).set('Authorization', bearer(devTokens))).status).toBe(
      403,
    );
    expect((await http().get(`/2fa/status/${a.id}`).set('Authorization', bearer(devTokens))).status).toBe(
      200,
    );
    const adminTokens = await login(t.app, 'boss2fa');
    expect((await http().get(`/2fa/status/${a.id}`).set('Authorization', bearer(adminTokens))).body).toEqual({
      enabled: false,
      backup_codes_remaining: 0,
    });
    expect(
      (await http().post(`/2fa/setup?user_id=${admin.id}`).set('Authorization', bearer(devTokens))).status,
    ).toBe(403);
    expect(
      (await http().post(`/2fa/setup?user_id=${a.id}`).set('Authorization', bearer(devTokens))).status,
    ).toBe(200);
  });

  it('MFA-06: ADMIN resets a user’s 2FA: audited, sessions ended; not on oneself', async () => {
    const { user, tokens } = await enrolled('cara');
    const admin = await seedUser(t.app, 'resetter', 'ADMIN');
    const adminTokens = await login(t.app, 'resetter');
    expect(
      (await http().delete(`/users/${admin.id}/2fa`).set('Authorization', bearer(adminTokens))).status,
    ).toBe(403);
    expect((await http().delete(`/users/${user.id}/2fa`).set('Authorization', bearer(tokens))).status).toBe(
      403,
    );
    expect(
      (await http().delete(`/users/${user.id}/2fa`).set('Authorization', bearer(adminTokens))).status,
    ).toBe(204);
    expect((await http().get('/users/me').set('Authorization', bearer(tokens))).status).toBe(401);
    expect(
      (await http().post('/login').send({ username: 'cara', password: PASSWORD })).body.requires_totp,
    ).toBe(false);
    const rows = (await t.app
      .get(DataSource)
      .query(`SELECT actor_id FROM audit_log WHERE action = 'two_factor_reset' AND target_id = $1`, [
        user.id,
      ])) as { actor_id: string }[];
    expect(rows).toEqual([{ actor_id: admin.id }]);
    // Nothing left to reset, or no such user: a 404 that says so, no notice, no half-done reset.
    for (const id of [user.id, '00000000-0000-4000-8000-00000000abcd']) {
      const again = await http().delete(`/users/${id}/2fa`).set('Authorization', bearer(adminTokens));
      expect(again.status).toBe(404);
      expect(again.body.message).toBe('This user has no two-factor authentication to reset');
    }
  });

  it('RL-05: failed 2FA codes feed the account lockout', async () => {
    await enrolled('dina');
    for (let i = 0; i < 5; i += 1) {
      expect(
        (
          await http()
            .post('/2fa/verify')
            .send({ mfa_token: await mfaToken('dina'), code: '000000' })
        ).status,
      ).toBe(401);
    }
    const locked = await http().post('/login').send({ username: 'dina', password: PASSWORD });
    expect(locked.status).toBe(401);
    expect(locked.body.message).toBe('Incorrect username or password');
  });

  it('MFA-02: setup, disable and backup-code renewal need a login from the last 10 minutes', async () => {
    const { tokens, app, user } = await enrolled('eli');
    const ds = t.app.get(DataSource);
    await ds.query(`UPDATE sessions SET created_at = now() - interval '11 minutes' WHERE user_id = $1`, [
      user.id,
    ]);
    for (const call of [
      () =>
        http()
          .post('/2fa/backup-codes')
          .set('Authorization', bearer(tokens))
          .send({ code: app.at(0) }),
      () =>
        http()
          .delete('/2fa/disable')
          .set('Authorization', bearer(tokens))
          .send({ code: app.at(0) }),
    ]) {
      const res = await call();
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        message: 'Recent authentication required: log in again, then retry',
        code: 'reauth_required',
      });
    }
    expect((await http().get('/2fa/status').set('Authorization', bearer(tokens))).body.enabled).toBe(true);
  });

  it('MFA-07: enabling 2FA, renewing backup codes or disabling it ends every other session of the user', async () => {
    await seedUser(t.app, 'fynn', 'DEV');
    const laptop = await login(t.app, 'fynn');
    const phone = await login(t.app, 'fynn');
    const setup = await http().post('/2fa/setup').set('Authorization', bearer(laptop));
    const app = Authenticator.fromUrl(setup.body.otpauth_url, { clock, coarse });
    expect(
      (await http().post('/2fa/enable').set('Authorization', bearer(laptop)).send({ code: app.next() }))
        .status,
    ).toBe(200);
    expect((await http().get('/users/me').set('Authorization', bearer(phone))).status).toBe(401);
    expect((await http().post('/token/refresh').send({ refresh_token: phone.refresh })).status).toBe(401);
    expect((await http().get('/users/me').set('Authorization', bearer(laptop))).status).toBe(200);
    const audit = (await t.app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'fynn' AND s.revoked_reason = 'two_factor_enabled'`,
      )) as [{ n: number }];
    expect(audit[0].n).toBe(1);
  });

  it('the otpauth URL cannot be bent by a username (TOTP-10)', () => {
    const parsed = parseOtpauthUrl(
      'otpauth://totp/uyoop-cal:alice?algorithm=SHA1&digits=6&issuer=uyoop-cal&period=30&secret=ABC',
    );
    expect(parsed).toMatchObject({
      label: 'uyoop-cal:alice',
      issuer: 'uyoop-cal',
      digits: 6,
      period: 30,
      secret: 'ABC',
    });
    expect(currentStep()).toBeGreaterThan(0);
  });
});
