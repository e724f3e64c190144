import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres';
import { run } from '../src/cli/main';

function capture(): { out: string[]; err: string[]; restore: () => void } {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
  return { out, err, restore: () => (o.mockRestore(), e.mockRestore()) };
}

describe('CLI (e2e, real PostgreSQL)', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
  });
  afterAll(() => db.drop());

  async function users(): Promise<
    { username: string; role: string; password_hash: string; email: string | null }[]
  > {
    const ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
    try {
      return (await ds.query(
        'SELECT username, role, password_hash, email FROM users ORDER BY username',
      )) as never;
    } finally {
      await ds.destroy();
    }
  }

  it('create-admin makes an ADMIN with an argon2id hash, password from UYOOP_ADMIN_PASSWORD', async () => {
    const io = capture();
    try {
      const code = await run(['create-admin', '--username', 'Root', '--email', 'root@example.org'], {
        ...env,
        UYOOP_ADMIN_PASSWORD: 'a sturdy pass phrase for the boss',
      });
      expect(code).toBe(0);
      expect(io.out.join('')).toMatch(/^Created ADMIN "Root" \(id [0-9a-f-]{36}\)\.\n$/);
    } finally {
      io.restore();
    }
    const rows = await users();
    expect(rows).toEqual([
      {
        username: 'Root',
        role: 'ADMIN',
        email: 'root@example.org',
        password_hash: expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/),
      },
    ]);
  });

  it('never takes the password from the command line', async () => {
    await expect(
      run(['create-admin', '--username', 'x1', '--password', 'a sturdy pass phrase'], env),
    ).rejects.toThrow(/Passwords are not accepted on the command line/);
  });

  it('without a terminal or UYOOP_ADMIN_PASSWORD it says how to give one', async () => {
    await expect(run(['create-admin', '--username', 'x2'], env)).rejects.toThrow(
      'No password: set UYOOP_ADMIN_PASSWORD, or run the command on a terminal to be prompted.',
    );
  });

  it('AUTH-06: a weak password is refused and nothing is written', async () => {
    await expect(
      run(['create-admin', '--username', 'admin2'], { ...env, UYOOP_ADMIN_PASSWORD: 'admin' }),
    ).rejects.toThrow('password is too weak: it must have at least 12 characters');
    expect((await users()).map((u) => u.username)).toEqual(['Root']);
  });

  it('a taken username (any case) is refused', async () => {
    await expect(
      run(['create-admin', '--username', 'ROOT'], {
        ...env,
        UYOOP_ADMIN_PASSWORD: 'another sturdy pass phrase',
      }),
    ).rejects.toThrow('username is already taken');
  });

  it('names a missing option and an unknown command', async () => {
    await expect(run(['create-admin'], env)).rejects.toThrow('create-admin needs --username <name>.');
    await expect(run(['create-admin', '--user', 'x'], env)).rejects.toThrow(/Unknown option '--user'/);
    await expect(run(['drop-everything'], env)).rejects.toThrow('Unknown command "drop-everything".');
  });

  it('a bad configuration is reported before anything runs', async () => {
    await expect(run(['migration:show'], { DATABASE_URL: 'mysql://x' })).rejects.toThrow(
      /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  });

  it('migration:show lists applied migrations', async () => {
    const io = capture();
    try {
      await expect(run(['migration:show'], env)).resolves.toBe(0);
    } finally {
      io.restore();
    }
    expect(io.out.join('')).toMatch(/^\[X\] CreateUsers\d+$/m);
  });
});
