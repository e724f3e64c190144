import { api, errorText } from '../api';
import type { Ctx, Screen } from '../app';
import { busy, field, formatDateTime, h, heading, say } from '../dom';
import { canEdit, TYPE_LABELS, type CalendarEvent, type GitRun, type User } from '../types';

const FINISHED = new Set(['succeeded', 'failed', 'timed_out']);

let usersCache: Promise<Map<string, string>> | null = null;
function userNames(): Promise<Map<string, string>> {
  usersCache ??= api
    .get<Pick<User, 'id' | 'username'>[]>('/users')
    .then((list) => new Map(list.map((u) => [u.id, u.username])))
    .catch(() => new Map<string, string>());
  return usersCache;
}

function extraRows(e: CalendarEvent): [string, string][] {
  const x = e.extra;
  const show = (v: unknown): string =>
    v === undefined || v === null || v === ''
      ? '—'
      : Array.isArray(v)
        ? v.join(', ')
        : typeof v === 'boolean'
          ? v
            ? 'yes'
            : 'no'
          : String(v);
  switch (e.type) {
    case 'meeting':
      return [
        ['Kind', show(x.subtype)],
        ['Link', show(x.link)],
        ['Notes', show(x.notes)],
        ['Private', show(x.private ?? false)],
      ];
    case 'deployment_window':
      return [
        ['Environment', show(x.environment)],
        ['Services', show(x.services)],
        ['Needs approval', show(x.needs_approval ?? false)],
      ];
    case 'git_action':
      return [
        ['Repository', show(x.repo_url)],
        ['Branch', show(x.branch)],
        ['Action', show(x.action)],
        ['Runs automatically', show(x.auto_trigger ?? false)],
      ];
  }
}

/** One event: its fields, and what the user may do with it (edit, delete, approve, run). */
export async function eventDetailsScreen(ctx: Ctx, id: string): Promise<Screen> {
  const [event, names] = await Promise.all([
    api.get<CalendarEvent>(`/events/${encodeURIComponent(id)}`),
    userNames(),
  ]);
  const message = h('div', { class: 'message' });
  const timers: number[] = [];
  const user = ctx.user;

  const rows: [string, string][] = [
    ['Type', TYPE_LABELS[event.type]],
    ['Starts', formatDateTime(event.start)],
    ['Ends', formatDateTime(event.end)],
    ['Status', event.status ?? '—'],
    ['Created by', names.get(event.created_by) ?? event.created_by],
    ...extraRows(event),
  ];
  const details = h(
    'dl',
    { class: 'details' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', { 'data-field': k }, v)]),
  );

  const actions = h('div', { class: 'actions' });
  if (canEdit(user, event)) {
    actions.append(h('a', { class: 'button', href: `#/events/${event.id}/edit` }, 'Edit'));
    const del = h('button', { type: 'button', class: 'danger' }, 'Delete');
    del.addEventListener('click', () => {
      if (!window.confirm(`Delete “${event.title}”? This cannot be undone.`)) return;
      void busy(actions, async () => {
        try {
          await api.delete(`/events/${event.id}`);
          ctx.flash('success', `“${event.title}” was deleted.`);
          ctx.navigate('#/calendar');
        } catch (error) {
          say(message, 'error', errorText(error));
        }
      });
    });
    actions.append(del);
  }
  // An ADMIN decides on others' pending events (the API refuses a decision on one's own), with an
  // optional comment that goes into the audit log.
  const decision = h('div', { class: 'decision' });
  if (user.role === 'ADMIN' && event.status === 'pending' && event.created_by !== user.id) {
    const comment = h('textarea', { name: 'comment', rows: 2, maxlength: 1000 });
    decision.append(field('Comment (optional)', comment, 'Kept in the audit log with the decision.'));
    for (const choice of ['approve', 'reject'] as const) {
      const button = h(
        'button',
        { type: 'button', class: choice === 'approve' ? 'primary' : '' },
        choice === 'approve' ? 'Approve' : 'Reject',
      );
      button.addEventListener('click', () => {
        void busy(actions, async () => {
          try {
            const text = comment.value.trim();
            await api.post(`/events/${event.id}/${choice}`, text ? { comment: text } : {});
            ctx.flash('success', `“${event.title}” was ${choice === 'approve' ? 'approved' : 'rejected'}.`);
            ctx.navigate(`#/events/${event.id}`);
          } catch (error) {
            say(message, 'error', errorText(error));
          }
        });
      });
      actions.append(button);
    }
  }

  const runsSection = h('section', { 'aria-labelledby': 'runs-title', class: 'runs' });
  if (event.type === 'git_action' && (user.role === 'ADMIN' || user.role === 'DEV')) {
    const runStatus = h('div', { role: 'status', 'aria-live': 'polite' });
    const runList = h('div', {});
    const showRuns = async (): Promise<void> => {
      try {
        const runs = await api.get<GitRun[]>(`/git_action/runs?event_id=${encodeURIComponent(event.id)}`);
        runList.replaceChildren(
          runs.length
            ? h(
                'ol',
                { class: 'run-list' },
                runs.map((r) => h('li', {}, runView(r, names))),
              )
            : h('p', {}, 'No runs yet.'),
        );
      } catch (error) {
        runList.replaceChildren(h('p', { role: 'alert' }, errorText(error)));
      }
    };
    const poll = (runId: string): void => {
      const tick = async (): Promise<void> => {
        try {
          const run = await api.get<GitRun>(`/git_action/runs/${encodeURIComponent(runId)}`);
          runStatus.replaceChildren(h('p', {}, `Run ${run.status}.`));
          if (FINISHED.has(run.status)) {
            await showRuns();
            return;
          }
        } catch (error) {
          runStatus.replaceChildren(h('p', { role: 'alert' }, errorText(error)));
          return;
        }
        timers.push(window.setTimeout(() => void tick(), 1000));
      };
      void tick();
    };
    const run = h('button', { type: 'button', class: 'primary' }, 'Run');
    run.addEventListener('click', () => {
      void busy(actions, async () => {
        try {
          const res = await api.post<{ run_id: string; status: string }>(
            '/git_action',
            { event_id: event.id },
            { 'Idempotency-Key': randomKey() },
          );
          runStatus.replaceChildren(h('p', {}, `Run ${res.status}.`));
          await showRuns();
          poll(res.run_id);
        } catch (error) {
          say(message, 'error', errorText(error));
        }
      });
    });
    actions.append(run);
    runsSection.append(h('h2', { id: 'runs-title' }, 'Runs'), runStatus, runList);
    void showRuns();
  }
  actions.append(
    h('a', { class: 'button', href: `#/calendar/${event.start.slice(0, 10)}` }, 'Back to the calendar'),
  );

  const el = h(
    'section',
    { class: 'narrow' },
    heading(event.title),
    h('p', { class: `badge-type ev-${event.type}` }, TYPE_LABELS[event.type]),
    message,
    details,
    decision.childElementCount ? decision : null,
    actions,
    runsSection.childElementCount ? runsSection : null,
  );
  return { el, destroy: () => timers.forEach((t) => window.clearTimeout(t)) };
}

function runView(r: GitRun, names: Map<string, string>): HTMLElement {
  return h(
    'article',
    { class: `run run-${r.status}` },
    h(
      'p',
      {},
      h('strong', {}, `${r.action}: ${r.status}`),
      r.exit_code === null ? '' : ` (exit ${r.exit_code})`,
      ` · ${formatDateTime(r.started_at)}`,
      r.triggered_by ? ` · by ${names.get(r.triggered_by) ?? r.triggered_by}` : '',
    ),
    r.output ? h('pre', { class: 'output', tabindex: 0, 'aria-label': 'Output' }, r.output) : null,
  );
}

/** 128 random bits as hex (crypto.randomUUID exists only in secure contexts). */
function randomKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}
