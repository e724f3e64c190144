import type { CalendarEvent } from '../../domain/calendar-event';
import { anEvent, USERS } from '../calendar-fixtures';

/** The host the git tests allow, and a repository on it. */
export const GIT_TEST_HOST = 'git.example.test';
export const GIT_TEST_REPO = `https://${GIT_TEST_HOST}/team/app.git`;

/** A stored git action: approved, `fetch` of `main`, 10:00–10:30 on 2026-03-10, created by the DEV. */
export function aGitAction(overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return anEvent({
    title: 'fetch app',
    start: new Date('2026-03-10T10:00:00Z'),
    end: new Date('2026-03-10T10:30:00Z'),
    type: 'git_action',
    extra: { repo_url: GIT_TEST_REPO, branch: 'main', action: 'fetch' },
    createdBy: USERS.DEV,
    status: 'approved',
    ...overrides,
  });
}
