import type { CalendarEvent } from '../domain/calendar-event';
import { InvalidEvent } from '../domain/calendar.errors';
import { anEvent, errorOf, InMemoryEventRepository } from '../testing';
import { ListConflicts } from './list-conflicts.use-case';

const DAY = 24 * 3_600_000;
const FROM = new Date('2026-03-01T00:00:00Z');
const TO = new Date('2026-04-01T00:00:00Z');

const windowOn = (environment: string, start: string, end: string): CalendarEvent =>
  anEvent({
    type: 'deployment_window',
    extra: { environment },
    start: new Date(start),
    end: new Date(end),
  });

function setup(...stored: CalendarEvent[]) {
  const events = new InMemoryEventRepository();
  events.seed(...stored);
  return new ListConflicts(events);
}

describe('ListConflicts', () => {
  it('VAL-04: pairs overlapping windows of one environment, once per pair', async () => {
    const a = windowOn('prod', '2026-03-10T10:00:00Z', '2026-03-10T12:00:00Z');
    const b = windowOn('prod', '2026-03-10T11:00:00Z', '2026-03-10T13:00:00Z');
    const otherEnv = windowOn('staging', '2026-03-10T10:00:00Z', '2026-03-10T12:00:00Z');
    const touching = windowOn('prod', '2026-03-10T13:00:00Z', '2026-03-10T14:00:00Z');
    const meeting = anEvent({
      start: new Date('2026-03-10T10:00:00Z'),
      end: new Date('2026-03-10T12:00:00Z'),
    });
    const conflicts = await setup(a, b, otherEnv, touching, meeting).execute(FROM, TO);
    const [low, high] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
    expect(conflicts).toEqual([{ a: low, b: high, environment: 'prod' }]);
  });

  it('VAL-04: only windows inside [from, to) count', async () => {
    const a = windowOn('test', '2026-05-10T10:00:00Z', '2026-05-10T12:00:00Z');
    const b = windowOn('test', '2026-05-10T11:00:00Z', '2026-05-10T13:00:00Z');
    const list = setup(a, b);
    await expect(list.execute(FROM, TO)).resolves.toEqual([]);
    await expect(
      list.execute(new Date('2026-05-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z')),
    ).resolves.toHaveLength(1);
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
    const error = await errorOf(setup().execute(from, to));
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error).toMatchObject({ code: 'CALENDAR.INVALID_EVENT', message });
  });
});
