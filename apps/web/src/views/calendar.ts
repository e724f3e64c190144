import { Calendar, type EventSourceFuncInfo } from 'fullcalendar';
import dayGridPlugin from 'fullcalendar/daygrid';
import interactionPlugin from 'fullcalendar/interaction';
import listPlugin from 'fullcalendar/list';
import classicThemePlugin from 'fullcalendar/themes/classic';
import timeGridPlugin from 'fullcalendar/timegrid';
import { api, errorText } from '../api';
import type { Ctx, Screen } from '../app';
import { h, heading, say } from '../dom';
import { creatableTypes, TYPE_LABELS, type CalendarEvent, type EventType } from '../types';

const STATUS_TEXT: Record<string, string> = { pending: 'pending approval', rejected: 'rejected' };

/** Events of the visible range, every page of GET /events?from&to (following rel="next"). */
export async function eventsBetween(from: Date, to: Date): Promise<CalendarEvent[]> {
  const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  return api.all<CalendarEvent>(`/events?${q.toString()}`);
}

/** The month/week/day/list calendar; `date` (YYYY-MM-DD) opens it on that day. */
export function calendarScreen(ctx: Ctx, date?: string): Screen {
  const message = h('div', { class: 'message' });
  const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const host = h('div', { class: 'calendar', 'data-testid': 'calendar' });
  const canCreate = creatableTypes(ctx.user.role).length > 0;

  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    (Object.keys(TYPE_LABELS) as EventType[]).map((t) =>
      h('li', {}, h('span', { class: `swatch ev-${t}`, 'aria-hidden': 'true' }), TYPE_LABELS[t]),
    ),
    h('li', {}, h('span', { class: 'swatch swatch-pending', 'aria-hidden': 'true' }), 'Pending approval'),
  );

  const el = h(
    'section',
    { class: 'wide' },
    h(
      'div',
      { class: 'title-row' },
      heading('Calendar'),
      canCreate ? h('a', { class: 'button primary', href: '#/new' }, 'New event') : null,
    ),
    message,
    status,
    legend,
    host,
  );

  const calendar = new Calendar(host, {
    plugins: [classicThemePlugin, dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin],
    initialView: 'dayGridMonth',
    initialDate: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined,
    headerToolbar: {
      start: 'prev,next today',
      center: 'title',
      end: 'dayGridMonth,timeGridWeek,timeGridDay,listWeek',
    },
    height: 'auto',
    firstDay: 1,
    nowIndicator: true,
    dayMaxEvents: 4,
    navLinks: true,
    eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
    events: async (info: EventSourceFuncInfo) => {
      say(message, null);
      try {
        const events = await eventsBetween(info.start, info.end);
        status.textContent = `${events.length} event${events.length === 1 ? '' : 's'} shown.`;
        return events.map((e) => {
          const state = e.status ? STATUS_TEXT[e.status] : undefined;
          return {
            id: e.id,
            title: state ? `${e.title} (${state})` : e.title,
            start: e.start,
            end: e.end,
            className: `ev-${e.type} ev-${e.status ?? 'none'}`,
            extendedProps: { type: e.type, status: e.status ?? null },
          };
        });
      } catch (error) {
        say(message, 'error', `Could not load events: ${errorText(error)}`);
        return [];
      }
    },
    eventClick: (info) => {
      info.jsEvent.preventDefault();
      ctx.navigate(`#/events/${info.event.id}`);
    },
    eventDidMount: (info) => {
      // Events open their details with the keyboard too.
      const target = info.el;
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '0');
      target.setAttribute('role', 'link');
      target.setAttribute('data-event-id', info.event.id);
      target.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          ctx.navigate(`#/events/${info.event.id}`);
        }
      });
    },
  });
  // Rendered once the element is in the document, so FullCalendar can measure it.
  return { el, mounted: () => calendar.render(), destroy: () => calendar.destroy() };
}
