import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './process';

/**
 * Our own PostgreSQL and Redis servers for fault tests: started on free loopback ports, stopped,
 * frozen (SIGSTOP), thawed (SIGCONT) and restarted by the pid of the very process we spawned, never by
 * a name pattern. `dispose()` thaws and stops whatever is still running and removes the data; a
 * process-exit hook does the same (SIGCONT, SIGKILL) if a test run dies before its `afterAll`.
 */

const PG_BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = process.env.TEST_REDIS_SERVER ?? 'redis-server';

/** What a fault test does to a server process. */
export interface ServiceProcess {
  readonly port: number;
  /** The pid of the running server, or undefined when it is stopped. */
  readonly pid: number | undefined;
  /** SIGSTOP: the server keeps its sockets open but answers nothing (a hung host). */
  freeze(): void;
  /** SIGCONT after `freeze()`. */
  thaw(): void;
  /** Stops the server cleanly (thawing it first) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its files; safe to call twice and after a failed start. */
  dispose(): Promise<void>;
  /** What the server wrote on stdout/stderr (for failure messages). */
  output(): string;
}

export interface PostgresService extends ServiceProcess {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` (trust authentication on loopback). */
  url(database?: string): string;
}

export interface RedisService extends ServiceProcess {
  readonly url: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pids we started and have not seen exit: killed by the exit hook if a run dies early. */
const running = new Set<number>();
let hookInstalled = false;
function track(pid: number): void {
  running.add(pid);
  if (hookInstalled) return;
  hookInstalled = true;
  process.once('exit', () => {
    for (const p of running) {
      const children = childrenOf(p);
      for (const child of children) signalQuietly(child, 'SIGCONT');
      signalQuietly(p, 'SIGCONT');
      // A PostgreSQL backend whose postmaster is gone exits by itself; Redis has no children.
      signalQuietly(p, 'SIGKILL');
    }
  });
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** One server process: spawned, watched, signalled by pid. */
class Supervised {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log = '';
  private frozen = false;

  constructor(
    private readonly what: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly spawnOpts: { cwd: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv },
    private readonly stopSignal: NodeJS.Signals,
  ) {}

  get pid(): number | undefined {
    const p = this.proc;
    return p && p.exitCode === null && p.signalCode === null ? p.pid : undefined;
  }

  output(): string {
    return this.log;
  }

  async start(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    if (this.pid !== undefined) throw new Error(`${this.what} is already running`);
    const proc = spawn(this.command, this.args, { ...this.spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.frozen = false;
    proc.stdout!.on('data', (c: Buffer) => (this.log += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (this.log += c.toString()));
    this.exited = new Promise((resolve) => {
      proc.once('exit', () => {
        if (proc.pid !== undefined) running.delete(proc.pid);
        resolve();
      });
      proc.once('error', (error) => {
        this.log += `\n${error.message}`;
        resolve();
      });
    });
    if (proc.pid !== undefined) track(proc.pid);
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (this.pid === undefined) throw new Error(`${this.what} exited early:\n${this.log}`);
      if (await ready()) return;
      await sleep(50);
    }
    await this.stop();
    throw new Error(`${this.what} was not ready within ${timeoutMs} ms:\n${this.log}`);
  }

  /**
   * SIGSTOP/SIGCONT go to the server and to its child processes (PostgreSQL serves each connection
   * from a forked backend, each in a session of its own), found by their parent pid; other signals
   * go to the server alone.
   */
  signal(signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid === undefined) throw new Error(`${this.what} is not running`);
    process.kill(pid, signal);
    if (signal === 'SIGSTOP' || signal === 'SIGCONT')
      for (const child of childrenOf(pid)) signalQuietly(child, signal);
    if (signal === 'SIGSTOP') this.frozen = true;
    if (signal === 'SIGCONT') this.frozen = false;
  }

  /** Thaws, sends the stop signal, and after `graceMs` SIGKILL; resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return this.exited;
    if (this.frozen) this.signal('SIGCONT');
    process.kill(pid, this.stopSignal);
    const timer = setTimeout(() => {
      if (this.pid === pid) process.kill(pid, 'SIGKILL');
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function portAnswers(port: number, probe?: { send: string; expect: RegExp }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      if (!probe) return done(true);
      socket.write(probe.send);
    });
    socket.on('data', (c: Buffer) => {
      answer += c.toString();
      if (probe?.expect.test(answer)) done(true);
    });
  });
}

/** The server answers a query (not merely accepts TCP: a frozen or starting server does that too). */
async function postgresAccepts(port: number): Promise<boolean> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 1_000,
    query_timeout: 1_000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no postgres OS user');
  return { uid, gid };
}

/**
 * Starts a supervised server and waits until `ready`; on failure its folder is removed. The pid is
 * left for the caller to expose as a getter (a spread would freeze it at its value now).
 */
async function supervise(
  server: Supervised,
  port: number,
  root: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<Omit<ServiceProcess, 'pid'>> {
  const start = () => server.start(ready, timeoutMs);
  try {
    await start();
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    freeze: () => server.signal('SIGSTOP'),
    thaw: () => server.signal('SIGCONT'),
    stop: () => server.stop(),
    start,
    output: () => server.output(),
    async dispose() {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A throw-away PostgreSQL cluster (initdb into a temp folder owned by the `postgres` OS user, trust
 * authentication, loopback only, fsync off). PostgreSQL refuses to run as root, so when we are root
 * both initdb and the server run with the postgres user's uid/gid (the spawned pid is the postmaster
 * itself, so signals reach it directly). Stopping is a fast shutdown (SIGINT): sessions are ended,
 * clients see the connection close, as in a restart.
 */
export async function startPostgres(): Promise<PostgresService> {
  const port = await freePort();
  const root = mkdtempSync(join(tmpdir(), 'uyoop-faults-pg-'));
  const ids = process.getuid?.() === 0 ? postgresIds() : undefined;
  if (ids) chownSync(root, ids.uid, ids.gid);
  const dataDir = join(root, 'data');
  const env = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C', HOME: root };
  const asPostgres = ids ? { uid: ids.uid, gid: ids.gid } : {};
  try {
    execFileSync(
      join(PG_BIN, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
      { cwd: root, env, stdio: 'pipe', ...asPostgres },
    );
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    const e = error as { stderr?: Buffer; message: string };
    throw new Error(`initdb failed: ${e.stderr?.toString() ?? e.message}`);
  }
  const server = new Supervised(
    `postgres on port ${port}`,
    join(PG_BIN, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      root,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'synchronous_commit=off',
    ],
    { cwd: root, env, ...asPostgres },
    'SIGINT',
  );
  const service = await supervise(server, port, root, () => postgresAccepts(port), 20_000);
  return {
    ...service,
    get pid() {
      return server.pid;
    },
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
  };
}

/** A throw-away redis-server on a free loopback port, no persistence. */
export async function startRedis(): Promise<RedisService> {
  const port = await freePort();
  const root = mkdtempSync(join(tmpdir(), 'uyoop-faults-redis-'));
  const server = new Supervised(
    `redis-server on port ${port}`,
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root],
    { cwd: root },
    'SIGTERM',
  );
  const ping = { send: 'PING\r\n', expect: /^\+PONG\r\n/ };
  const service = await supervise(server, port, root, () => portAnswers(port, ping), 10_000);
  return {
    ...service,
    get pid() {
      return server.pid;
    },
    url: `redis://127.0.0.1:${port}`,
  };
}
