/** The API's JSON shapes (docs/api-contract.md), as the SPA uses them. */

export type Role = 'ADMIN' | 'PROJET' | 'DEV' | 'OPS';
export type EventType = 'meeting' | 'deployment_window' | 'git_action';
export type EventStatus = 'pending' | 'approved' | 'rejected';

export interface User {
  id: string;
  username: string;
  email?: string | null;
  role: Role;
  totp_enabled?: boolean;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

export interface LoginResponse {
  user: User | null;
  requires_totp: boolean;
  mfa_token?: string;
  access_token: string | null;
  refresh_token: string | null;
  backup_codes_remaining?: number;
  warning?: string;
}

export interface CalendarEvent {
  id: string;
  title: string;
  start: string;
  end: string;
  type: EventType;
  extra: Record<string, unknown>;
  created_by: string;
  created_at: string;
  updated_at: string;
  status?: EventStatus;
  conflicts?: string[];
}

export interface GitRun {
  run_id: string;
  event_id: string;
  action: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'timed_out';
  exit_code: number | null;
  output: string | null;
  started_at: string | null;
  finished_at: string | null;
  triggered_by: string | null;
}

export interface Notification {
  id: string;
  kind: string;
  message: string;
  created_at?: string;
  read_at: string | null;
}

export interface TwoFactorStatus {
  enabled: boolean;
  backup_codes_remaining: number;
}

export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: 'Administrator',
  PROJET: 'Project lead',
  DEV: 'Developer',
  OPS: 'Ops / SysAdmin',
};

export const TYPE_LABELS: Record<EventType, string> = {
  meeting: 'Meeting',
  deployment_window: 'Deployment window',
  git_action: 'Git action',
};

/** Colours per type (also in app.css for the legend); each passes 4.5:1 with white text. */
export const TYPE_COLOURS: Record<EventType, string> = {
  meeting: '#1d4ed8',
  deployment_window: '#b45309',
  git_action: '#047857',
};

/** What each role may create (product.md, "Roles"); the API enforces the same rule. */
export function creatableTypes(role: Role): EventType[] {
  switch (role) {
    case 'ADMIN':
    case 'PROJET':
      return ['meeting', 'deployment_window', 'git_action'];
    case 'DEV':
      return ['git_action'];
    case 'OPS':
      return ['deployment_window'];
  }
}

export function canEdit(user: User, event: CalendarEvent): boolean {
  return user.role === 'ADMIN' || event.created_by === user.id;
}

export const MEETING_SUBTYPES = ['daily', 'planning', 'review', 'retro', 'other'] as const;
export const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;
export const GIT_ACTIONS = ['clone', 'fetch', 'pull', 'checkout', 'ls-remote'] as const;
