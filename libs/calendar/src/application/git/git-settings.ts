/** How git actions run on this server; from the configuration (GIT_*). */
export class GitSettings {
  constructor(
    /** Repository hosts that runs may reach, lower-case (GIT-04). Empty: none. */
    readonly allowedHosts: readonly string[],
    /** Deadline of one run, all its commands together (GIT-06). */
    readonly timeoutMs: number,
    /** Runs one instance executes at the same time. */
    readonly concurrency: number,
  ) {}
}
