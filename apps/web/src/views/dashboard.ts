import type { Ctx, Screen } from '../app';
import { h, heading } from '../dom';
import { TYPE_LABELS, type EventType } from '../types';
import { eventsBetween } from './calendar';

const WEEKS = 8;
const TYPES = Object.keys(TYPE_LABELS) as EventType[];

/** Monday 00:00 (local) of the week holding `d`. */
function weekStart(d: Date): Date {
  const day = (d.getDay() + 6) % 7;
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - day);
}

/** Events per type and per week for the coming weeks, from GET /events. */
export async function dashboardScreen(_ctx: Ctx): Promise<Screen> {
  const from = weekStart(new Date());
  const to = new Date(from.getFullYear(), from.getMonth(), from.getDate() + WEEKS * 7);
  const events = await eventsBetween(from, to);

  const perType = new Map<EventType, number>(TYPES.map((t) => [t, 0]));
  const weeks = Array.from({ length: WEEKS }, (_, i) => ({
    start: new Date(from.getFullYear(), from.getMonth(), from.getDate() + i * 7),
    counts: new Map<EventType, number>(TYPES.map((t) => [t, 0])),
  }));
  for (const e of events) {
    perType.set(e.type, (perType.get(e.type) ?? 0) + 1);
    const index = Math.floor((weekStart(new Date(e.start)).getTime() - from.getTime()) / (7 * 86_400_000));
    // An event that began before this week still counts in the first one.
    const week = weeks[Math.max(0, Math.min(WEEKS - 1, Math.round(index)))];
    week?.counts.set(e.type, (week.counts.get(e.type) ?? 0) + 1);
  }
  const max = Math.max(1, ...weeks.map((w) => [...w.counts.values()].reduce((a, b) => a + b, 0)));
  const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

  const el = h(
    'section',
    { class: 'wide' },
    heading('Dashboard'),
    h(
      'p',
      {},
      `The next ${WEEKS} weeks, from ${day.format(from)}: ${events.length} event${events.length === 1 ? '' : 's'}.`,
    ),
    h(
      'div',
      { class: 'cards', 'data-testid': 'per-type' },
      TYPES.map((t) =>
        h(
          'div',
          { class: `card ev-border-${t}` },
          h('p', { class: 'count' }, String(perType.get(t) ?? 0)),
          h('p', {}, TYPE_LABELS[t]),
        ),
      ),
    ),
    h(
      'table',
      { class: 'per-week', 'data-testid': 'per-week' },
      h('caption', {}, 'Events per week'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Week of'),
          TYPES.map((t) => h('th', { scope: 'col' }, TYPE_LABELS[t])),
          h('th', { scope: 'col' }, 'Total'),
        ),
      ),
      h(
        'tbody',
        {},
        weeks.map((w) => {
          const total = [...w.counts.values()].reduce((a, b) => a + b, 0);
          return h(
            'tr',
            {},
            h('th', { scope: 'row' }, day.format(w.start)),
            TYPES.map((t) => h('td', {}, String(w.counts.get(t) ?? 0))),
            h(
              'td',
              {},
              h('meter', { min: 0, max, value: total, 'aria-label': `${total} events` }),
              ` ${total}`,
            ),
          );
        }),
      ),
    ),
  );
  return { el };
}
