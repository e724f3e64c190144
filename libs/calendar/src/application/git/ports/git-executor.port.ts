export interface GitCredential {
  username: string;
  token: string;
}

export interface GitExecution {
  /** The exit code of the first command that failed, or of the last one; null when killed. */
  exitCode: number | null;
  /** stdout and stderr of every command, in order, as captured (capped); not yet redacted. */
  output: string;
  timedOut: boolean;
}

/**
 * Runs git commands in a fresh, private workspace that is removed afterwards, with the hardened
 * environment of GIT-05, a deadline for the whole run and a cap on captured output (GIT-06).
 */
export abstract class GitExecutor {
  abstract execute(
    commands: string[][],
    opts: { credential: GitCredential | null; timeoutMs: number },
  ): Promise<GitExecution>;

  /**
   * Removes workspaces left behind by runs that can no longer be going (their process was killed
   * outright), with whatever credential files they hold; returns how many.
   */
  abstract sweep(olderThanMs: number): Promise<number>;
}

/** Credentials for a repository, fetched at run time and never stored (GIT-09). */
export abstract class GitCredentials {
  abstract forRepository(repoUrl: string): Promise<GitCredential | null>;
}
