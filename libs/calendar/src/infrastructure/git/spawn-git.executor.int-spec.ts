import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestRepository,
  type GitDaemon,
  type GitHttpServer,
  removeTestRepository,
  startGitDaemon,
  startGitHttpServer,
  startSilentServer,
  type TestRepository,
} from '../../../../../test-support/git-server';
import { GIT_ACTIONS } from '../../domain/event-rules';
import { gitCommands } from '../../domain/git/git-run';
import { CappedOutput, SpawnGitExecutor } from './spawn-git.executor';

const URL = 'https://git.example.test/demo.git';

/** The executor against real git servers on loopback: a git daemon, and smart HTTP behind Basic auth. */
describe('SpawnGitExecutor (real git, loopback servers)', () => {
  let repo: TestRepository;
  let daemon: GitDaemon;
  let workspaces: string;
  let executor: SpawnGitExecutor;

  beforeAll(async () => {
    repo = createTestRepository();
    daemon = await startGitDaemon(repo);
    workspaces = mkdtempSync(join(tmpdir(), 'uyoop-ws-'));
    executor = new SpawnGitExecutor({
      workspaceRoot: workspaces,
      mirrors: [{ from: 'https://git.example.test/', to: daemon.base }],
    });
  });
  afterAll(async () => {
    await daemon?.stop();
    if (repo) removeTestRepository(repo);
    rmSync(workspaces, { recursive: true, force: true });
  });

  it.each(GIT_ACTIONS)('GIT-02: %s runs without a shell and ends on the branch tip', async (action) => {
    const result = await executor.execute(gitCommands(action, URL, 'feature/login'), {
      credential: null,
      timeoutMs: 20_000,
    });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.output).toContain(repo.heads['feature/login']);
    expect(result.output).not.toContain(repo.heads.main);
  });

  it('GIT-03: an unknown branch fails with git’s exit code, nothing else', async () => {
    const result = await executor.execute(gitCommands('clone', URL, 'no-such-branch'), {
      credential: null,
      timeoutMs: 20_000,
    });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(128);
  });

  it('each run gets a private workspace that is gone afterwards', async () => {
    await executor.execute(gitCommands('clone', URL, 'main'), { credential: null, timeoutMs: 20_000 });
    expect(readdirSync(workspaces)).toEqual([]);
  });

  it('GIT-09: workspaces left by killed runs are swept, with their credentials; recent ones stay', async () => {
    const stale = join(workspaces, 'uyoop-git-killed');
    const recent = join(workspaces, 'uyoop-git-running');
    const other = join(workspaces, 'not-ours');
    for (const dir of [stale, recent, other]) mkdirSync(join(dir, '.secrets'), { recursive: true });
    writeFileSync(join(stale, '.secrets', 'token'), 'tok-left-behind');
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(stale, hourAgo, hourAgo);
    utimesSync(other, hourAgo, hourAgo);
    expect(await executor.sweep(10 * 60_000)).toBe(1);
    expect(readdirSync(workspaces).sort()).toEqual(['not-ours', 'uyoop-git-running']);
    rmSync(recent, { recursive: true });
    rmSync(other, { recursive: true });
  });

  it('GIT-05: a repository configured to allow ext:: cannot run a command through it', async () => {
    const marker = join(workspaces, '..', `uyoop-pwned-${process.pid}`);
    const result = await executor.execute(
      [
        ['init', '--quiet', 'repo'],
        ['-C', 'repo', 'config', 'protocol.ext.allow', 'always'],
        ['-C', 'repo', 'config', 'protocol.allow', 'always'],
        ['-C', 'repo', 'remote', 'add', 'origin', `ext::sh -c touch% ${marker}`],
        ['-C', 'repo', 'fetch', 'origin'],
      ],
      { credential: null, timeoutMs: 20_000 },
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain("transport 'ext' not allowed");
    expect(existsSync(marker)).toBe(false);
  });

  it('GIT-05: file:// and plain http are refused unless an operator mirror brings them', async () => {
    for (const url of [`file://${repo.root}/demo.git`, 'http://git.example.test/demo.git']) {
      const result = await executor.execute(gitCommands('ls-remote', url, 'main'), {
        credential: null,
        timeoutMs: 20_000,
      });
      expect(result.exitCode).not.toBe(0);
      expect(result.output).toMatch(/transport '(file|http)' not allowed/);
    }
  });

  it('GIT-05/GIT-09: git sees a minimal environment, none of the server’s own variables', async () => {
    process.env.UYOOP_SERVER_SECRET = 'server-secret-value';
    try {
      const result = await executor.execute([['-c', 'alias.show-env=!env', 'show-env']], {
        credential: null,
        timeoutMs: 20_000,
      });
      expect(result.exitCode).toBe(0);
      expect(result.output).not.toContain('server-secret-value');
      expect(result.output).not.toContain('DATABASE_URL');
      expect(result.output).toContain('GIT_ALLOW_PROTOCOL=https:git');
      expect(result.output).toContain('GIT_CONFIG_NOSYSTEM=1');
      expect(result.output).toContain('GIT_TERMINAL_PROMPT=0');
    } finally {
      delete process.env.UYOOP_SERVER_SECRET;
    }
  });

  it('GIT-06: a server that never answers is cut off at the deadline', async () => {
    const silent = await startSilentServer();
    try {
      const slow = new SpawnGitExecutor({
        workspaceRoot: workspaces,
        mirrors: [{ from: 'https://slow.example.test/', to: silent.base }],
      });
      const started = Date.now();
      const result = await slow.execute(gitCommands('clone', 'https://slow.example.test/demo.git', 'main'), {
        credential: null,
        timeoutMs: 1_500,
      });
      expect(result).toMatchObject({ timedOut: true, exitCode: null });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(readdirSync(workspaces)).toEqual([]);
    } finally {
      await silent.stop();
    }
  });

  describe('GIT-09: credentials over smart HTTP with Basic auth', () => {
    let http: GitHttpServer;
    const credential = { username: 'deploy-bot', token: 'tok-3f9a1c77e2' };
    let viaHttp: SpawnGitExecutor;

    beforeAll(async () => {
      http = await startGitHttpServer(repo, credential);
      viaHttp = new SpawnGitExecutor({
        workspaceRoot: workspaces,
        mirrors: [{ from: 'https://private.example.test/', to: http.base }],
      });
    });
    afterAll(() => http?.stop());

    it('git gets the token through askpass and clones; nothing of it is left behind', async () => {
      const result = await viaHttp.execute(
        gitCommands('clone', 'https://private.example.test/demo.git', 'main'),
        {
          credential,
          timeoutMs: 20_000,
        },
      );
      expect(result).toMatchObject({ exitCode: 0, timedOut: false });
      expect(result.output).toContain(repo.heads.main);
      expect(result.output).not.toContain(credential.token);
      expect(http.authorizations.at(-1)).toBe(
        `Basic ${Buffer.from(`${credential.username}:${credential.token}`).toString('base64')}`,
      );
      expect(readdirSync(workspaces)).toEqual([]);
    });

    it('without credentials git fails at once instead of waiting for a prompt', async () => {
      const started = Date.now();
      const result = await viaHttp.execute(
        gitCommands('ls-remote', 'https://private.example.test/demo.git', 'main'),
        {
          credential: null,
          timeoutMs: 20_000,
        },
      );
      expect(result.timedOut).toBe(false);
      expect(result.exitCode).toBe(128);
      expect(Date.now() - started).toBeLessThan(10_000);
      // The operator's mirror stays internal: git's message names the URL the user knows.
      expect(result.output).toContain("could not read Username for 'https://private.example.test'");
      expect(result.output).not.toContain('127.0.0.1');
    });
  });
});

describe('CappedOutput (GIT-06)', () => {
  it('keeps up to the cap and counts the rest', () => {
    const out = new CappedOutput(10);
    out.add(Buffer.from('0123456'));
    out.add(Buffer.from('789abcdef'));
    out.add(Buffer.from('more'));
    expect(out.text()).toBe('0123456789\n[10 more bytes of output not kept]');
  });
});
