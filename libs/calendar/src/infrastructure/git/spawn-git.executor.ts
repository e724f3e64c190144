import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Counter, Histogram, register } from 'prom-client';
import {
  type GitCredential,
  type GitExecution,
  GitExecutor,
} from '../../application/git/ports/git-executor.port';

/** An operator's mirror: git fetches `to` whenever a repository URL starts with `from` (url.<to>.insteadOf). */
export interface GitMirror {
  from: string;
  to: string;
}

export interface SpawnGitExecutorOptions {
  /** The git program; `git` from PATH by default. */
  binary?: string;
  /** Where run workspaces are made (each its own private directory, removed after the run). */
  workspaceRoot: string;
  mirrors?: readonly GitMirror[];
  /** Captured stdout + stderr per run; the rest is dropped (GIT-06). */
  outputCapBytes?: number;
}

const executions =
  (register.getSingleMetric('uyoop_git_executions_total') as Counter<'result'> | undefined) ??
  new Counter({
    name: 'uyoop_git_executions_total',
    help: 'Git runs executed by this instance, by result (ok, failed, timed_out, error)',
    labelNames: ['result'],
  });
const durations =
  (register.getSingleMetric('uyoop_git_execution_seconds') as Histogram | undefined) ??
  new Histogram({
    name: 'uyoop_git_execution_seconds',
    help: 'Wall time of git runs executed by this instance',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  });

/** Every run's workspace is a fresh `<root>/uyoop-git-XXXXXX`. */
const WORKSPACE_PREFIX = 'uyoop-git-';

/**
 * The credential helper for a run with credentials: a fixed shell function (git runs `!` helpers with
 * `sh -c`) that prints the username and token from files of the run's private directory. Nothing of
 * the secret is in argv or the environment (GIT-09), and no file needs to be executable, so the
 * workspace may sit on a `noexec` tmpfs.
 */
const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || exit 0; printf "username=%s\\npassword=%s\\n" ' +
  '"$(cat "$UYOOP_GIT_SECRETS/username")" "$(cat "$UYOOP_GIT_SECRETS/token")"; }; f';

/**
 * Runs git without a shell (GIT-02), hardened whatever the repository or the machine configures
 * (GIT-05): no system or global config, no hooks, no fsmonitor, no ext/file transports, only https
 * (plus the schemes of operator mirrors), no prompts, no redirects, a minimal environment that carries
 * none of the server's own secrets. Credentials reach git through a credential helper reading files
 * in the run's private directory: never argv, never the environment (GIT-09). The whole process group
 * is killed at the deadline (GIT-06).
 */
export class SpawnGitExecutor extends GitExecutor {
  private readonly binary: string;
  private readonly cap: number;
  private readonly protocols: string;
  private readonly hardening: string[];
  private readonly mirrors: readonly GitMirror[];

  constructor(private readonly opts: SpawnGitExecutorOptions) {
    super();
    this.binary = opts.binary ?? 'git';
    this.cap = opts.outputCapBytes ?? 1024 * 1024;
    const mirrors = opts.mirrors ?? [];
    this.mirrors = mirrors;
    this.protocols = [
      ...new Set(['https', ...mirrors.map((m) => new URL(m.to).protocol.replace(':', ''))]),
    ].join(':');
    this.hardening = [
      ['core.hooksPath', '/dev/null'],
      ['core.fsmonitor', 'false'],
      ['credential.helper', ''],
      ['protocol.allow', 'never'],
      ['protocol.ext.allow', 'never'],
      ['protocol.file.allow', 'never'],
      ['submodule.recurse', 'false'],
      ['http.followRedirects', 'false'],
      ['transfer.fsckObjects', 'true'],
      ...mirrors.map((m) => [`url.${m.to}.insteadOf`, m.from]),
    ].flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  }

  async execute(
    commands: string[][],
    opts: { credential: GitCredential | null; timeoutMs: number },
  ): Promise<GitExecution> {
    const stopTimer = durations.startTimer();
    let result: GitExecution | undefined;
    try {
      result = await this.run(commands, opts);
      return result;
    } finally {
      stopTimer();
      const outcome = !result
        ? 'error'
        : result.timedOut
          ? 'timed_out'
          : result.exitCode === 0
            ? 'ok'
            : 'failed';
      executions.inc({ result: outcome });
    }
  }

  private async run(
    commands: string[][],
    opts: { credential: GitCredential | null; timeoutMs: number },
  ): Promise<GitExecution> {
    const deadline = Date.now() + opts.timeoutMs;
    await mkdir(this.opts.workspaceRoot, { recursive: true });
    const workspace = await mkdtemp(join(this.opts.workspaceRoot, WORKSPACE_PREFIX));
    const output = new CappedOutput(this.cap);
    try {
      const { env, credentialArgs } = await this.environment(workspace, opts.credential);
      let exitCode: number | null = 0;
      for (const args of commands) {
        const left = deadline - Date.now();
        if (left <= 0) return { exitCode: null, output: this.shown(output), timedOut: true };
        const result = await this.spawnOne(
          [...this.hardening, ...credentialArgs, ...args],
          workspace,
          env,
          left,
          output,
        );
        if (result.timedOut) return { exitCode: null, output: this.shown(output), timedOut: true };
        exitCode = result.exitCode;
        if (exitCode !== 0) break;
      }
      return { exitCode, output: this.shown(output), timedOut: false };
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  }

  async sweep(olderThanMs: number): Promise<number> {
    const before = Date.now() - olderThanMs;
    let removed = 0;
    const names = await readdir(this.opts.workspaceRoot).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith(WORKSPACE_PREFIX))) {
      const dir = join(this.opts.workspaceRoot, name);
      const info = await stat(dir).catch(() => null);
      if (!info?.isDirectory() || info.mtimeMs >= before) continue;
      await rm(dir, { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }

  /** Git's output with each mirror's address written back as the URL users know: mirrors stay internal. */
  private shown(output: CappedOutput): string {
    let text = output.text();
    for (const m of this.mirrors) {
      text = text.split(m.to).join(m.from);
      text = text.split(new URL(m.to).origin).join(new URL(m.from).origin);
    }
    return text;
  }

  /** The environment of every git command of a run, and the extra `-c` options its credential needs. */
  private async environment(
    workspace: string,
    credential: GitCredential | null,
  ): Promise<{ env: NodeJS.ProcessEnv; credentialArgs: string[] }> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: workspace,
      LANG: 'C',
      LC_ALL: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_PROTOCOL_FROM_USER: '0',
      GIT_ALLOW_PROTOCOL: this.protocols,
      GIT_SSH_COMMAND: 'false',
      GIT_ASKPASS: 'false',
    };
    if (!credential) return { env, credentialArgs: [] };
    const secrets = join(workspace, '.secrets');
    await mkdir(secrets, { mode: 0o700 });
    await writeFile(join(secrets, 'username'), credential.username, { mode: 0o600 });
    await writeFile(join(secrets, 'token'), credential.token, { mode: 0o600 });
    return {
      env: { ...env, UYOOP_GIT_SECRETS: secrets },
      credentialArgs: ['-c', `credential.helper=${CREDENTIAL_HELPER}`],
    };
  }

  private spawnOne(
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    timeoutMs: number,
    output: CappedOutput,
  ): Promise<{ exitCode: number | null; timedOut: boolean }> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        cwd,
        env,
        shell: false,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => output.add(chunk));
      child.stderr.on('data', (chunk: Buffer) => output.add(chunk));
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        // git's helpers (remote-https, index-pack) may outlive it: the group goes with it.
        killGroup(child.pid);
        resolve({ exitCode: timedOut ? null : code, timedOut });
      });
    });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** stdout and stderr as they come, up to a cap; what comes after is counted, not kept. */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly cap: number) {}

  add(chunk: Buffer): void {
    const room = this.cap - this.kept;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
    this.dropped += chunk.length - part.length;
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${body}\n[${this.dropped} more bytes of output not kept]` : body;
  }
}
