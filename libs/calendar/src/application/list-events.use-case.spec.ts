import type { CalendarEvent } from '../domain/calendar-event';
import { InvalidEvent } from '../domain/calendar.errors';
import { actorOf, anEvent, errorOf, InMemoryEventRepository, USERS } from '../testing';
import { ListEvents, type ListEventsQuery } from './list-events.use-case';

const DAY = 24 * 3_600_000;
const FROM = new Date('2026-03-01T00:00:00Z');
const TO = new Date('2026-04-01T00:00:00Z');
const at = (iso: string, hours = 1): Pick<CalendarEvent, 'start' | 'end'> => ({
  start: new Date(iso),
  end: new Date(new Date(iso).getTime() + hours * 3_600_000),
});

function setup(...stored: CalendarEvent[]) {
  const events = new InMemoryEventRepository();
  events.seed(...stored);
  const list = new ListEvents(events);
  const query = (over: Partial<ListEventsQuery> = {}): ListEventsQuery => ({
    from: FROM,
    to: TO,
    limit: 100,
    ...over,
  });
  return { list, query };
}

describe('ListEvents', () => {
  it('lists the events overlapping [from, to) by start, leaving out those that only touch it', async () => {
    const second = anEvent({ title: 'second', ...at('2026-03-10T10:00:00Z') });
    const first = anEvent({ title: 'first', ...at('2026-02-28T23:00:00Z', 2) });
    const endsAtFrom = anEvent({ title: 'before', ...at('2026-02-28T23:00:00Z') });
    const startsAtTo = anEvent({ title: 'after', ...at('2026-04-01T00:00:00Z') });
    const { list, query } = setup(second, first, endsAtFrom, startsAtTo);
    const page = await list.execute(actorOf('DEV'), query());
    expect(page.events.map((e) => e.title)).toEqual(['first', 'second']);
    expect(page.next).toBeNull();
  });

  it('filters by type', async () => {
    const meeting = anEvent();
    const window = anEvent({ type: 'deployment_window', extra: { environment: 'dev' } });
    const { list, query } = setup(meeting, window);
    const page = await list.execute(actorOf('OPS'), query({ type: 'deployment_window' }));
    expect(page.events.map((e) => e.id)).toEqual([window.id]);
  });

  it('AC-03: another user’s private meetings are left out; the creator and ADMINs see them', async () => {
    const open = anEvent({ title: 'open', ...at('2026-03-10T09:00:00Z') });
    const secret = anEvent({ title: 'secret', extra: { private: true }, createdBy: USERS.PROJET2 });
    const { list, query } = setup(open, secret);
    const titles = async (role: Parameters<typeof actorOf>[0], id?: string) =>
      (await list.execute(actorOf(role, id), query())).events.map((e) => e.title);
    expect(await titles('PROJET')).toEqual(['open']);
    expect(await titles('DEV')).toEqual(['open']);
    expect(await titles('OPS')).toEqual(['open']);
    expect(await titles('PROJET', USERS.PROJET2)).toEqual(['open', 'secret']);
    expect(await titles('ADMIN')).toEqual(['open', 'secret']);
  });

  it('VAL-03: pages follow one another through the cursor, each event exactly once', async () => {
    const stored = Array.from({ length: 5 }, (_, i) =>
      anEvent({ title: `e${i}`, ...at(`2026-03-0${i + 2}T10:00:00Z`) }),
    );
    // Two events at the same start: the id decides, and neither is lost nor repeated.
    stored.push(anEvent({ title: 'twin', ...at('2026-03-04T10:00:00Z') }));
    const { list, query } = setup(...stored);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list.execute(actorOf('DEV'), query({ limit: 2, cursor }));
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events.map((e) => e.id));
      cursor = page.next ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    const expected = [...stored]
      .sort((a, b) => a.start.getTime() - b.start.getTime() || (a.id < b.id ? -1 : 1))
      .map((e) => e.id);
    expect(seen).toEqual(expected);
  });

  it('VAL-03: a cursor made for another query is refused (400)', async () => {
    const { list, query } = setup(anEvent(), anEvent());
    const { next } = await list.execute(actorOf('DEV'), query({ limit: 1 }));
    expect(next).not.toBeNull();
    const error = await errorOf(
      list.execute(actorOf('DEV'), query({ limit: 1, type: 'meeting', cursor: next ?? '' })),
    );
    expect(error).toBeInstanceOf(InvalidEvent);
    expect((error as InvalidEvent).message).toMatch(/^cursor is not valid for this query/);
  });

  it.each([
    ['to equal to from', FROM, FROM, 'to must be after from'],
    ['to before from', TO, FROM, 'to must be after from'],
    [
      'more than 366 days',
      FROM,
      new Date(FROM.getTime() + 366 * DAY + 1),
      'from and to may be at most 366 days apart',
    ],
  ])('VAL-03: refuses a range with %s (400)', async (_, from, to, message) => {
    const { list, query } = setup();
    const error = await errorOf(list.execute(actorOf('ADMIN'), query({ from, to })));
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error).toMatchObject({ code: 'CALENDAR.INVALID_EVENT', message });
  });

  it('VAL-03: accepts a range of exactly 366 days', async () => {
    const { list, query } = setup(anEvent());
    const page = await list.execute(actorOf('ADMIN'), query({ to: new Date(FROM.getTime() + 366 * DAY) }));
    expect(page.events).toHaveLength(1);
  });

  it.each([0, -1, 101, 1.5, Number.NaN, 1e9])('VAL-03: refuses limit=%p (400)', async (limit) => {
    const { list, query } = setup();
    await expect(list.execute(actorOf('ADMIN'), query({ limit }))).rejects.toThrow(
      new InvalidEvent('limit must be an integer from 1 to 100'),
    );
  });
});
