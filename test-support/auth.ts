import type { INestApplication } from '@nestjs/common';
import { PasswordHasher, User, UserRepository, Username } from '@uyoop/auth';
import { newId, type Role } from '@uyoop/shared';
import request from 'supertest';
import { Authenticator, type AuthenticatorOptions } from './totp';

export const PASSWORD = 'correct horse battery staple';

export interface SeededUser {
  id: string;
  username: string;
  password: string;
  role: Role;
}

/** Puts a user straight into the app's database (argon2id hash), as an administrator would. */
export async function seedUser(
  app: INestApplication,
  username: string,
  role: Role,
  opts: { password?: string; active?: boolean; totpEnabled?: boolean } = {},
): Promise<SeededUser> {
  const password = opts.password ?? PASSWORD;
  const now = new Date();
  const user = User.register({
    id: newId(),
    username: Username.parse(username),
    email: `${username.toLowerCase()}@example.org`,
    passwordHash: await app.get(PasswordHasher).hash(password),
    role,
    now,
  });
  const props = user.toProps();
  const stored = User.restore({
    ...props,
    isActive: opts.active ?? true,
    totpEnabled: opts.totpEnabled ?? false,
  });
  await app.get(UserRepository).add(stored);
  return { id: user.id, username, password, role };
}

export interface Tokens {
  access: string;
  refresh: string;
}

export async function login(
  app: INestApplication,
  username: string,
  password = PASSWORD,
  ip?: string,
): Promise<Tokens> {
  const req = request(app.getHttpServer()).post('/login');
  if (ip) req.set('X-Forwarded-For', ip);
  const res = await req.send({ username, password });
  if (res.status !== 200)
    throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { access: res.body.access_token as string, refresh: res.body.refresh_token as string };
}

/** A random address in TEST-NET-3, so tests sharing Redis never share a rate-limit bucket. */
export function randomClientIp(): string {
  return `203.0.113.${1 + Math.floor(Math.random() * 254)}`;
}

/**
 * Turns 2FA on for a logged-in user through the API, as a person would (setup, scan, enable); the
 * session of `tokens` stays valid. Returns the authenticator holding the seed (with `opts`: the test
 * clock, coarse steps for Vault) and the ten backup codes shown once.
 */
export async function enableTwoFactor(
  app: INestApplication,
  tokens: Tokens,
  opts: AuthenticatorOptions = {},
): Promise<{ phone: Authenticator; backupCodes: string[] }> {
  const auth = { Authorization: `Bearer ${tokens.access}` };
  const setup = await request(app.getHttpServer()).post('/2fa/setup').set(auth);
  if (setup.status !== 200)
    throw new Error(`2FA setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  const phone = Authenticator.fromUrl(setup.body.otpauth_url as string, opts);
  const enable = await request(app.getHttpServer())
    .post('/2fa/enable')
    .set(auth)
    .send({ code: phone.next() });
  if (enable.status !== 200)
    throw new Error(`2FA enable failed: ${enable.status} ${JSON.stringify(enable.body)}`);
  return { phone, backupCodes: enable.body.backup_codes as string[] };
}

/** Seeds one user per entry (name → role) and signs each in: their ids and tokens by name. */
export async function seedAndLogin<Name extends string>(
  app: INestApplication,
  roles: Record<Name, Role>,
): Promise<{ ids: Record<Name, string>; tokens: Record<Name, Tokens> }> {
  const ids = {} as Record<Name, string>;
  const tokens = {} as Record<Name, Tokens>;
  for (const [name, role] of Object.entries(roles) as [Name, Role][]) {
    ids[name] = (await seedUser(app, name, role)).id;
    tokens[name] = await login(app, name);
  }
  return { ids, tokens };
}
