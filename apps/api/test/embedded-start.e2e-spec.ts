import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, freePort, ROOT, spawnNode, waitFor, type Spawned } from '../../../test-support/process';

const MAIN = 'dist/apps/api/src/main.js';
const CLI = 'dist/apps/api/src/cli/main.js';

/** The real build, started as `npm start` does, with no database, Vault or Redis configured. */
describe('embedded start-up (e2e, real process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'uyoop-start-'));
  const running: Spawned[] = [];

  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  }, 60_000);

  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function start(
    extra: Record<string, string> = {},
  ): Promise<{ server: Spawned; port: number; readyMs: number }> {
    const port = await freePort();
    const server = spawnNode(MAIN, [], cleanEnv({ DATA_DIR: dataDir, PORT: String(port), ...extra }));
    running.push(server);
    const readyMs = await waitFor(
      `http://127.0.0.1:${port}/health`,
      200,
      30_000,
      () => server.proc.exitCode === null,
    );
    return { server, port, readyMs };
  }

  it('serves /health 200 within 30 s on a fresh data directory, and creates the bootstrap ADMIN', async () => {
    const { server, port, readyMs } = await start({
      BOOTSTRAP_ADMIN_USERNAME: 'boss',
      BOOTSTRAP_ADMIN_PASSWORD: 'a sturdy pass phrase',
    });
    expect(readyMs).toBeLessThan(30_000);
    const body = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { info: unknown };
    expect(body.info).toEqual({ database: { status: 'up' } });
    expect(server.stdout()).toContain('Created the first ADMIN \\"boss\\"');
    expect(server.stdout()).toContain('Applied migrations: CreateUsers');
  }, 60_000);

  it('finishes an in-flight request after SIGTERM, then exits 0', async () => {
    const { server, port } = await start();
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    const body = JSON.stringify({ hello: 'world, slowly' });
    socket.write(
      `POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((r) => setTimeout(r, 200));
    process.kill(server.proc.pid!, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(server.proc.exitCode).toBeNull(); // still waiting for our request
    socket.write(body.slice(5));
    const code = await server.exited;
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('"statusCode":404');
    expect(code).toBe(0);
  }, 60_000);

  it('keeps its data across restarts: the ADMIN created at the first start is still there', async () => {
    const { server } = await start();
    expect(server.stdout()).not.toContain('Applied migrations');
    expect(await server.stop()).toBe(0);
    const cli = spawnNode(
      CLI,
      ['create-admin', '--username', 'BOSS'],
      cleanEnv({ DATA_DIR: dataDir, UYOOP_ADMIN_PASSWORD: 'another sturdy phrase' }),
    );
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toBe('username is already taken\n');
  }, 60_000);

  it('the CLI refuses to open the data directory while the server owns it, and says who does', async () => {
    const { server } = await start();
    const cli = spawnNode(CLI, ['migration:show'], cleanEnv({ DATA_DIR: dataDir }));
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain(
      `The embedded database in ${dataDir} is in use by process ${server.proc.pid}.`,
    );
  }, 60_000);

  it('stops at once with a message naming each bad variable', async () => {
    const bad = spawnNode(MAIN, [], cleanEnv({ DATA_DIR: dataDir, PORT: 'http', DB_POOL_SIZE: '0' }));
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toBe(
      'Invalid configuration:\n  - PORT must be an integer from 0 to 65535 (got "http")\n  - DB_POOL_SIZE must be an integer from 1 to 100 (got "0")\n',
    );
  });

  it('AUTH-06: refuses to start with a weak bootstrap password on an empty database', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'uyoop-weak-'));
    try {
      const weak = spawnNode(
        MAIN,
        [],
        cleanEnv({
          DATA_DIR: fresh,
          PORT: String(await freePort()),
          BOOTSTRAP_ADMIN_USERNAME: 'admin',
          BOOTSTRAP_ADMIN_PASSWORD: 'admin',
        }),
      );
      running.push(weak);
      expect(await weak.exited).toBe(1);
      expect(weak.stderr()).toContain(
        'BOOTSTRAP_ADMIN_USERNAME/PASSWORD refused: password is too weak: it must have at least 12 characters',
      );
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 60_000);
});
