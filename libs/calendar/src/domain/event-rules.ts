import { EventForbidden, InvalidEvent } from './calendar.errors';

export const EVENT_TYPES = ['meeting', 'deployment_window', 'git_action'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;
export const MEETING_SUBTYPES = ['daily', 'planning', 'review', 'retro', 'other'] as const;
export const GIT_ACTIONS = ['clone', 'fetch', 'pull', 'checkout', 'ls-remote'] as const;

/** Who may create what (product.md): ADMIN and PROJET everything, DEV git actions, OPS deployment windows. */
const CREATABLE: Record<string, readonly EventType[]> = {
  ADMIN: EVENT_TYPES,
  PROJET: EVENT_TYPES,
  DEV: ['git_action'],
  OPS: ['deployment_window'],
};

/** The original's refusal messages, kept word for word for its clients. */
export function assertMayCreate(role: string, type: EventType): void {
  if (CREATABLE[role]?.includes(type)) return;
  if (role === 'DEV') throw new EventForbidden('DEV role can only create git_action events');
  if (role === 'OPS') throw new EventForbidden('OPS role can only create deployment_window events');
  throw new EventForbidden(`${role} role cannot create ${type} events`);
}

/** Edit and delete: the creator or an ADMIN. */
export function assertMayChange(role: string, callerId: string, createdBy: string): void {
  if (role === 'ADMIN' || callerId === createdBy) return;
  throw new EventForbidden('Only the creator of an event or an ADMIN can change it');
}

/** Who is looking: the caller of the API, or the owner of a feed token. */
export interface Viewer {
  id: string;
  role: string;
}

/** ADMINs see every event, private meetings included (AC-03). */
export function seesEveryPrivateEvent(role: string): boolean {
  return role === 'ADMIN';
}

/** A meeting whose `extra.private` is true. */
export function isPrivate(event: { type: EventType; extra: Record<string, unknown> }): boolean {
  return event.type === 'meeting' && event.extra.private === true;
}

/**
 * A private meeting exists only for its creator and ADMINs (AC-03); everyone else is told it does
 * not exist. The list queries apply the same rule in SQL (TypeOrmEventRepository).
 */
export function isVisibleTo(
  event: { type: EventType; extra: Record<string, unknown>; createdBy: string },
  viewer: Viewer,
): boolean {
  return !isPrivate(event) || event.createdBy === viewer.id || seesEveryPrivateEvent(viewer.role);
}

const HOUR = 3_600_000;
/** Longest allowed span per type (VAL-02). */
const MAX_SPAN_MS: Record<EventType, number> = {
  meeting: 24 * HOUR,
  deployment_window: 7 * 24 * HOUR,
  git_action: HOUR,
};

export function assertSpan(type: EventType, start: Date, end: Date): void {
  const span = end.getTime() - start.getTime();
  if (span <= 0) throw new InvalidEvent('end must be after start');
  if (span > MAX_SPAN_MS[type]) {
    const limit = { meeting: '24 hours', deployment_window: '7 days', git_action: '1 hour' }[type];
    throw new InvalidEvent(`a ${type} may last at most ${limit}`);
  }
}

/**
 * What waits for an ADMIN's approval: deployment windows on `prod` or marked `needs_approval`
 * (VAL-06), and every git action — it runs a command on the server, so it runs only once approved
 * (VAL-08).
 */
export function needsApproval(type: EventType, extra: Record<string, unknown>): boolean {
  if (type === 'git_action') return true;
  return type === 'deployment_window' && (extra.environment === 'prod' || extra.needs_approval === true);
}

/** How an event that needs approval is named in refusal messages. */
export function approvalSubject(type: EventType): string {
  return type === 'git_action' ? 'git action' : 'deployment window';
}

/**
 * Whether an edit changes what was approved, which sends the event back to `pending`: its times, a
 * window's environment, or anything of a git action's command (repository, branch, action).
 */
export function changesApprovedTerms(
  before: { type: EventType; start: Date; end: Date; extra: Record<string, unknown> },
  after: { type: EventType; start: Date; end: Date; extra: Record<string, unknown> },
): boolean {
  if (before.type !== after.type) return true;
  if (before.start.getTime() !== after.start.getTime() || before.end.getTime() !== after.end.getTime())
    return true;
  const keys = after.type === 'git_action' ? ['repo_url', 'branch', 'action'] : ['environment'];
  return keys.some((k) => before.extra[k] !== after.extra[k]);
}
