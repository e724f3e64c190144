import request from 'supertest';
import { createTestApp, type TestApp } from '../../../test-support/app';
import { login, seedUser } from '../../../test-support/auth';

describe('auth smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('login → me → refresh → logout', async () => {
    await seedUser(t.app, 'alice', 'DEV');
    const tokens = await login(t.app, 'alice');
    const http = () => request(t.app.getHttpServer());
    const me = await http().get('/users/me').set('Authorization', `Bearer ${tokens.access}`);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('alice');
    const refreshed = await http().post('/token/refresh').send({ refresh_token: tokens.refresh });
    expect(refreshed.status).toBe(200);
    const again = await http().post('/token/refresh').send({ refresh_token: tokens.refresh });
    expect(again.status).toBe(401);
    const newest = await http().post('/token/refresh').send({ refresh_token: refreshed.body.refresh_token });
    expect(newest.status).toBe(401);
    const list = await http().get('/users').set('Authorization', `Bearer ${tokens.access}`);
    expect(list.status).toBe(401);
  });
});
