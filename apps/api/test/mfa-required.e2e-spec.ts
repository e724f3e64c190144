import request from 'supertest';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, seedUser } from '../../../test-support/auth';
import { Authenticator } from '../../../test-support/totp';

describe('MFA_REQUIRED=true (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_LOGIN_PER_MINUTE: '1000', MFA_REQUIRED: 'true' });
  });
  afterAll(() => t.close());

  it('MFA-05: a user without 2FA reaches only enrolment routes until enrolled', async () => {
    await seedUser(t.app, 'newbie', 'PROJET');
    const tokens = await login(t.app, 'newbie');
    const auth = { Authorization: `Bearer ${tokens.access}` };
    const blocked = await http().get('/users').set(auth);
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ code: 'mfa_enrolment_required' });
    expect(
      (await http().get('/events?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z').set(auth)).status,
    ).toBe(403);
    expect((await http().get('/users/me').set(auth)).status).toBe(200);
    expect((await http().get('/2fa/status').set(auth)).status).toBe(200);
    const setup = await http().post('/2fa/setup').set(auth);
    expect(setup.status).toBe(200);
    const phone = Authenticator.fromUrl(setup.body.otpauth_url);
    expect((await http().post('/2fa/enable').set(auth).send({ code: phone.next() })).status).toBe(200);
    expect((await http().get('/users').set(auth)).status).toBe(200);
  });
});
