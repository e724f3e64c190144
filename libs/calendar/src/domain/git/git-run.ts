import type { UserStanding } from '../user-standing';
import { DomainError } from '@uyoop/shared';
import type { CalendarEvent } from '../calendar-event';
import { EventForbidden } from '../calendar.errors';
import type { GIT_ACTIONS } from '../event-rules';

export type GitAction = (typeof GIT_ACTIONS)[number];
export const GIT_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'timed_out'] as const;
export type GitRunStatus = (typeof GIT_RUN_STATUSES)[number];

/** One execution of a git action event's command. */
export interface GitRun {
  id: string;
  eventId: string;
  action: GitAction;
  repoUrl: string;
  branch: string;
  status: GitRunStatus;
  /** `manual` from POST /git_action, `auto` when an `auto_trigger` event starts. */
  trigger: 'manual' | 'auto';
  /** Null for an automatic run. */
  triggeredBy: string | null;
  /** The ADMIN's reason when the run was requested inside a freeze (VAL-05), else null. */
  freezeOverrideReason: string | null;
  exitCode: number | null;
  output: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export class NotAGitAction extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'GIT.NOT_A_GIT_ACTION';
  constructor() {
    super('Only git_action events can be run');
  }
}

export class GitActionNotRunnable extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'GIT.NOT_RUNNABLE';
}

export class RepositoryNotAllowed extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'GIT.REPOSITORY_NOT_ALLOWED';
}

export class IdempotencyKeyReused extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'GIT.IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This Idempotency-Key already started a run of another git action: use a new key');
  }
}

export class GitRunNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'GIT.RUN_NOT_FOUND';
  constructor() {
    super('Git run not found');
  }
}

/** Who may run a git action (contract): an ADMIN any, a DEV those they created, nobody else. */
export function mayRun(role: string, callerId: string, event: CalendarEvent): boolean {
  return role === 'ADMIN' || (role === 'DEV' && event.createdBy === callerId);
}

/** {@link mayRun}, as the refusal a caller reads. */
export function assertMayRun(role: string, callerId: string, event: CalendarEvent): void {
  if (mayRun(role, callerId, event)) return;
  if (role === 'DEV') throw new EventForbidden('DEV can only run git actions they created');
  throw new EventForbidden(`${role} role cannot run git actions`);
}

/**
 * Whether an `auto_trigger` git action may be run unattended (GIT-07): only while its creator could run
 * it by hand right now — the account active, with a second factor (what `@SecondFactorRequired` asks
 * of a manual run), and in a role that may run it ({@link mayRun}: ADMIN or DEV, as its creator). An
 * unknown account (`undefined`) may not.
 */
export function mayRunUnattended(event: CalendarEvent, creator: UserStanding | undefined): boolean {
  return (
    creator !== undefined &&
    creator.active &&
    creator.hasSecondFactor &&
    mayRun(creator.role, event.createdBy, event)
  );
}

/** Who may read a run: an ADMIN any, a DEV those of events they created or runs they started. */
export function maySeeRun(
  role: string,
  callerId: string,
  run: GitRun,
  eventCreatedBy: string | null,
): boolean {
  return (
    role === 'ADMIN' || (role === 'DEV' && (eventCreatedBy === callerId || run.triggeredBy === callerId))
  );
}

/**
 * Workflow order (VAL-08): a git action runs only once approved and only inside its own time slot;
 * anything else — created but not approved, rejected, too early, too late — is a 409 that says which.
 */
export function assertRunnable(event: CalendarEvent, now: Date): void {
  if (event.status !== 'approved')
    throw new GitActionNotRunnable(
      `This git action is ${event.status ?? 'not approved'}: an ADMIN must approve it before it can run`,
    );
  if (now < event.start || now >= event.end)
    throw new GitActionNotRunnable(
      `This git action can run only between ${event.start.toISOString()} and ${event.end.toISOString()}`,
    );
}

/** Whether a run still carries its event's current command (an edit after queueing makes it stale). */
export function runMatchesEvent(run: GitRun, event: CalendarEvent): boolean {
  return (
    run.repoUrl === event.extra.repo_url &&
    run.branch === event.extra.branch &&
    run.action === event.extra.action
  );
}

/** The repository host must be one the operator allows (GIT-04); hosts compare case-insensitively. */
export function assertAllowedHost(repoUrl: string, allowedHosts: readonly string[]): void {
  const host = new URL(repoUrl).hostname.toLowerCase();
  if (!allowedHosts.includes(host))
    throw new RepositoryNotAllowed(
      allowedHosts.length === 0
        ? 'No repository host is allowed on this server (GIT_ALLOWED_HOSTS is empty)'
        : `Repository host ${host} is not allowed (allowed: ${allowedHosts.join(', ')})`,
    );
}

/** Where a run's repository goes inside its workspace. */
export const WORKTREE = 'repo';

/**
 * The git commands of an action, as argument vectors for a process started without a shell (GIT-02):
 * user-derived values (URL, branch) come only after `--end-of-options` or as `--opt=value`, and were
 * validated when the event was saved (GIT-03, GIT-04). Each run starts from an empty workspace, so
 * fetch, pull and checkout first create the repository they act on. The last command prints the
 * commit the run ended on.
 */
export function gitCommands(action: GitAction, repoUrl: string, branch: string): string[][] {
  const ref = `refs/heads/${branch}`;
  const fetch = ['-C', WORKTREE, 'fetch', '--depth=1', '--no-tags', '--end-of-options', repoUrl, ref];
  const init = ['init', '--quiet', WORKTREE];
  switch (action) {
    case 'ls-remote':
      return [['ls-remote', '--heads', '--end-of-options', repoUrl, ref]];
    case 'clone':
      return [
        [
          'clone',
          '--depth=1',
          '--single-branch',
          '--no-tags',
          `--branch=${branch}`,
          '--end-of-options',
          repoUrl,
          WORKTREE,
        ],
        ['-C', WORKTREE, 'log', '-1', '--format=%H %s'],
      ];
    case 'fetch':
      return [init, fetch, ['-C', WORKTREE, 'log', '-1', '--format=%H %s', 'FETCH_HEAD']];
    case 'pull':
      return [
        init,
        ['-C', WORKTREE, 'pull', '--ff-only', '--depth=1', '--no-tags', '--end-of-options', repoUrl, ref],
        ['-C', WORKTREE, 'log', '-1', '--format=%H %s'],
      ];
    case 'checkout':
      return [
        init,
        fetch,
        ['-C', WORKTREE, 'checkout', '--quiet', '--detach', 'FETCH_HEAD'],
        ['-C', WORKTREE, 'log', '-1', '--format=%H %s'],
      ];
  }
}

/** Most of a run's output that is kept and shown (the process may write up to the capture cap). */
export const OUTPUT_SHOWN_BYTES = 64 * 1024;

/**
 * What a client may see of git's output (GIT-08): credentials in URLs and any secret the run used are
 * masked, control characters other than newline and tab dropped, and only the last 64 KB kept.
 */
export function redactOutput(raw: string, secrets: readonly string[]): string {
  let text = raw.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('***');
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  text = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= OUTPUT_SHOWN_BYTES) return text;
  return `[…output truncated…]\n${bytes
    .subarray(bytes.length - OUTPUT_SHOWN_BYTES)
    .toString('utf8')
    .replace(/^\uFFFD+/, '')}`;
}
