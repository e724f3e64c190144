import {
  type GitCredential,
  GitCredentials,
  type GitExecution,
  GitExecutor,
} from '../../application/git/ports/git-executor.port';

/** What the fake executor was asked to run. */
export interface RecordedExecution {
  commands: string[][];
  credential: GitCredential | null;
  timeoutMs: number;
}

/** A GitExecutor that spawns nothing: it records what it was asked and answers `next` (or throws it). */
export class FakeGitExecutor extends GitExecutor {
  readonly executions: RecordedExecution[] = [];
  readonly sweeps: number[] = [];
  /** The answer to the next executions; an Error is thrown instead (the workspace could not be made). */
  next: GitExecution | Error = { exitCode: 0, output: '', timedOut: false };
  /** How many workspaces `sweep` says it removed. */
  leftBehind = 0;

  async execute(
    commands: string[][],
    opts: { credential: GitCredential | null; timeoutMs: number },
  ): Promise<GitExecution> {
    this.executions.push({ commands, credential: opts.credential, timeoutMs: opts.timeoutMs });
    if (this.next instanceof Error) throw this.next;
    return { ...this.next };
  }

  async sweep(olderThanMs: number): Promise<number> {
    this.sweeps.push(olderThanMs);
    return this.leftBehind;
  }
}

/** GitCredentials from a map by repository URL; `unavailable` makes every call throw (Vault down). */
export class FakeGitCredentials extends GitCredentials {
  private readonly byRepository = new Map<string, GitCredential>();
  readonly asked: string[] = [];
  unavailable: Error | null = null;

  set(repoUrl: string, credential: GitCredential): this {
    this.byRepository.set(repoUrl, credential);
    return this;
  }

  async forRepository(repoUrl: string): Promise<GitCredential | null> {
    this.asked.push(repoUrl);
    if (this.unavailable) throw this.unavailable;
    return this.byRepository.get(repoUrl) ?? null;
  }
}
