import { isIP } from 'node:net';
import { InvalidEvent } from './calendar.errors';
import { ENVIRONMENTS, type EventType, GIT_ACTIONS, MEETING_SUBTYPES } from './event-rules';

type Extra = Record<string, unknown>;

const ALLOWED_KEYS: Record<EventType, readonly string[]> = {
  meeting: ['subtype', 'link', 'notes', 'private'],
  deployment_window: ['environment', 'services', 'needs_approval'],
  git_action: ['repo_url', 'branch', 'action', 'auto_trigger'],
};

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** C0, DEL, C1 and any whitespace (`\s`: ASCII and Unicode spaces, line and paragraph separators, BOM). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const URL_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\s]/;
const MAX_URL = 2048;
const SERVICE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;

/**
 * `extra`, checked strictly for its type: unknown keys refused, values typed and bounded, meeting
 * links https only, git URLs and branches held to section K of the requirements (no option or
 * protocol injection, no credentials, no local or internal targets, git's ref-name rules).
 */
export function validateExtra(type: EventType, raw: unknown): Extra {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidEvent('extra must be an object');
  const extra = raw as Extra;
  const unknown = Object.keys(extra).filter((k) => !ALLOWED_KEYS[type].includes(k));
  if (unknown.length > 0)
    throw new InvalidEvent(
      `extra.${unknown[0]} is not allowed for ${type} events (allowed: ${ALLOWED_KEYS[type].join(', ')})`,
    );
  if (type === 'meeting') return meeting(extra);
  if (type === 'deployment_window') return deploymentWindow(extra);
  return gitAction(extra);
}

function meeting(e: Extra): Extra {
  const out: Extra = {};
  if (e.subtype !== undefined) out.subtype = oneOf('extra.subtype', e.subtype, MEETING_SUBTYPES);
  if (e.link !== undefined) out.link = httpsUrl('extra.link', e.link);
  if (e.notes !== undefined) out.notes = text('extra.notes', e.notes, 5000);
  if (e.private !== undefined) out.private = bool('extra.private', e.private);
  return out;
}

function deploymentWindow(e: Extra): Extra {
  const out: Extra = { environment: oneOf('extra.environment', e.environment, ENVIRONMENTS) };
  if (e.services !== undefined) {
    if (
      !Array.isArray(e.services) ||
      e.services.length > 50 ||
      !e.services.every((s) => typeof s === 'string' && SERVICE.test(s))
    ) {
      throw new InvalidEvent(
        'extra.services must be a list of at most 50 service names (letters, digits, . _ -)',
      );
    }
    out.services = [...new Set(e.services as string[])];
  }
  if (e.needs_approval !== undefined) out.needs_approval = bool('extra.needs_approval', e.needs_approval);
  if (out.environment === 'prod') out.needs_approval = true;
  return out;
}

function gitAction(e: Extra): Extra {
  const out: Extra = {
    repo_url: repoUrl(e.repo_url),
    branch: branch(e.branch),
    action: oneOf('extra.action', e.action, GIT_ACTIONS),
  };
  if (e.auto_trigger !== undefined) out.auto_trigger = bool('extra.auto_trigger', e.auto_trigger);
  return out;
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidEvent(`${field} must be one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

function bool(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidEvent(`${field} must be true or false`);
  return value;
}

function text(field: string, value: unknown, max: number): string {
  if (
    typeof value !== 'string' ||
    value.length > max ||
    CONTROL.test(value) ||
    /[\uD800-\uDFFF]/.test(value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))
  ) {
    throw new InvalidEvent(`${field} must be text of at most ${max} characters without control characters`);
  }
  return value;
}

/**
 * An https URL, stored in the normalised form `new URL(value).href` gives. Control characters (C0,
 * DEL, C1) and whitespace are refused outright rather than left to the URL parser, which would
 * silently drop tabs and line breaks and trim the ends (the value would not be what was checked),
 * and because a line break in a URL is how a value breaks out of a line of the iCalendar feed.
 */
function httpsUrl(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidEvent(`${field} must be an https URL`);
  if (URL_FORBIDDEN.test(value))
    throw new InvalidEvent(`${field} must be an https URL without control characters or whitespace`);
  if (value.length > MAX_URL)
    throw new InvalidEvent(`${field} must be an https URL of at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidEvent(`${field} must be an https URL`);
  }
  if (url.protocol !== 'https:' || url.username || url.password)
    throw new InvalidEvent(`${field} must be an https URL without credentials`);
  if (url.href.length > MAX_URL)
    throw new InvalidEvent(`${field} must be an https URL of at most ${MAX_URL} characters`);
  return url.href;
}

function repoUrl(value: unknown): string {
  const url = httpsUrl('extra.repo_url', value);
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (
    isIP(host) !== 0 ||
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    !host.includes('.')
  ) {
    throw new InvalidEvent('extra.repo_url must name a public host, not an IP address or a local name');
  }
  return url;
}

/** git-check-ref-format's rules plus a strict allow-list (GIT-03). */
function branch(value: unknown): string {
  const bad =
    typeof value !== 'string' ||
    !BRANCH.test(value) ||
    value.includes('..') ||
    value.includes('@{') ||
    value.includes('//') ||
    value.endsWith('/') ||
    value.endsWith('.') ||
    value.endsWith('.lock') ||
    value.split('/').some((part) => part.startsWith('.'));
  if (bad)
    throw new InvalidEvent(
      'extra.branch must be a valid git branch name (letters, digits, . _ / -; no "..", no leading "-")',
    );
  return value;
}
