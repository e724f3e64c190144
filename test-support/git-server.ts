import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A bare repository with two branches, made with the machine's git. */
export interface TestRepository {
  /** The folder holding `<name>.git`. */
  root: string;
  name: string;
  /** Commit id at the tip of each branch. */
  heads: Record<string, string>;
}

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'uyoop test',
  GIT_AUTHOR_EMAIL: 'test@uyoop-cal.invalid',
  GIT_COMMITTER_NAME: 'uyoop test',
  GIT_COMMITTER_EMAIL: 'test@uyoop-cal.invalid',
};

const git = (args: string[], cwd?: string): string =>
  execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();

/** `demo.git` with `main` and `feature/login`, one commit each beyond the first. */
export function createTestRepository(name = 'demo'): TestRepository {
  const root = mkdtempSync(join(tmpdir(), 'uyoop-repos-'));
  const work = join(root, 'work');
  git(['init', '--quiet', '--initial-branch=main', work]);
  git(['commit', '--quiet', '--allow-empty', '-m', 'first commit'], work);
  git(['commit', '--quiet', '--allow-empty', '-m', 'release 1.0'], work);
  git(['checkout', '--quiet', '-b', 'feature/login'], work);
  git(['commit', '--quiet', '--allow-empty', '-m', 'login form'], work);
  git(['clone', '--quiet', '--bare', work, join(root, `${name}.git`)]);
  const bare = join(root, `${name}.git`);
  const heads = {
    main: git(['rev-parse', 'refs/heads/main'], bare),
    'feature/login': git(['rev-parse', 'refs/heads/feature/login'], bare),
  };
  rmSync(work, { recursive: true, force: true });
  return { root, name, heads };
}

export function removeTestRepository(repo: TestRepository): void {
  rmSync(repo.root, { recursive: true, force: true });
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) throw new Error(`git daemon exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('git daemon did not start listening');
}

export interface GitDaemon {
  /** `git://127.0.0.1:<port>/`: a repository is `<base><name>.git`. */
  base: string;
  stop(): Promise<void>;
}

/** `git daemon` on a loopback port serving the repository's folder; stopped by its pid. */
export async function startGitDaemon(repo: TestRepository): Promise<GitDaemon> {
  const port = await freePort();
  const child = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      `--base-path=${repo.root}`,
      '--listen=127.0.0.1',
      `--port=${port}`,
      repo.root,
    ],
    { env: GIT_ENV, stdio: 'ignore' },
  );
  await waitForPort(port, child);
  return {
    base: `git://127.0.0.1:${port}/`,
    stop: async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>/`: a repository is `<base><name>.git`. */
  base: string;
  /** Authorization headers the server received, in order (to check what git sent). */
  readonly authorizations: string[];
  stop(): Promise<void>;
}

/**
 * git's smart HTTP protocol (`git http-backend`, as CGI) behind HTTP Basic authentication: only
 * `username:token` may read. For the credential tests of git actions (GIT-09).
 */
export async function startGitHttpServer(
  repo: TestRepository,
  credential: { username: string; token: string },
): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${credential.username}:${credential.token}`).toString('base64')}`;
  const authorizations: string[] = [];
  const server: Server = createHttpServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth) authorizations.push(auth);
    if (auth !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...GIT_ENV,
        GIT_PROJECT_ROOT: repo.root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: credential.username,
        REMOTE_ADDR: '127.0.0.1',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n');
      const head = out.subarray(0, split).toString('utf8');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (!name) continue;
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else headers[name] = value;
      }
      res.writeHead(status, headers).end(out.subarray(split + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}/`,
    authorizations,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP port that accepts connections and never answers: a git server that hangs (GIT-06). */
export async function startSilentServer(): Promise<{ base: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    base: `git://127.0.0.1:${port}/`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
