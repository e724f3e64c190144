import { type Actor, newId, type Role } from '@uyoop/shared';
import type { CalendarEvent } from '../domain/calendar-event';
import type { Freeze } from '../application/ports/freeze-repository.port';

/** One user per role, plus a second ADMIN (nobody approves their own event). */
export const USERS = {
  ADMIN: '00000000-0000-4000-8000-00000000000a',
  ADMIN2: '00000000-0000-4000-8000-00000000000b',
  PROJET: '00000000-0000-4000-8000-00000000000c',
  PROJET2: '00000000-0000-4000-8000-00000000000d',
  DEV: '00000000-0000-4000-8000-00000000000e',
  OPS: '00000000-0000-4000-8000-00000000000f',
} as const;

/** The caller of a use case: the user of that role from USERS unless an id is given. */
export function actorOf(role: Role, id: string = USERS[role]): Actor {
  return { id, username: `${role.toLowerCase()}-${id.slice(-2)}`, role, ip: '203.0.113.7', sessionId: null };
}

/** A stored event: a one-hour PROJET meeting on 2026-03-10 unless overridden. */
export function anEvent(overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id: newId(),
    title: 'Sprint review',
    start: new Date('2026-03-10T10:00:00Z'),
    end: new Date('2026-03-10T11:00:00Z'),
    type: 'meeting',
    extra: {},
    createdBy: USERS.PROJET,
    createdAt: new Date('2026-03-01T08:00:00Z'),
    updatedAt: new Date('2026-03-01T08:00:00Z'),
    status: null,
    ...overrides,
  };
}

/** A stored freeze: `prod`, the whole of 2026-03-10, unless overridden. */
export function aFreeze(overrides: Partial<Freeze> = {}): Freeze {
  return {
    id: newId(),
    environment: 'prod',
    start: new Date('2026-03-10T00:00:00Z'),
    end: new Date('2026-03-11T00:00:00Z'),
    reason: 'quarter close',
    createdBy: USERS.ADMIN,
    createdAt: new Date('2026-03-01T08:00:00Z'),
    ...overrides,
  };
}

/** The error `work` fails with; itself fails when `work` succeeds. */
export async function errorOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, but it succeeded');
}
