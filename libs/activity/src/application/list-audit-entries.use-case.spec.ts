import { isDomainError } from '@uyoop/shared';
import { InvalidAuditQuery } from '../domain/activity.errors';
import { InMemoryAuditTrail } from '../testing';
import { ListAuditEntries, MAX_AUDIT_ENTRIES } from './list-audit-entries.use-case';

const ALICE = '7d4f8a52-0c8e-4f7a-9a8e-2b7c1d9e6f01';
const BOB = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';

function setup() {
  const trail = new InMemoryAuditTrail();
  return { trail, list: new ListAuditEntries(trail) };
}

async function refusal(run: () => Promise<unknown>): Promise<InvalidAuditQuery> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAuditQuery);
    return error as InvalidAuditQuery;
  }
  throw new Error('expected an InvalidAuditQuery');
}

describe('ListAuditEntries', () => {
  it('passes every filter through, times parsed, and asks for at most 1000 entries', async () => {
    const { trail, list } = setup();
    await list.execute({
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-02T10:30:00+02:00',
      actor: ALICE,
      action: 'login_failed',
    });
    expect(MAX_AUDIT_ENTRIES).toBe(1000);
    expect(trail.filters).toEqual([
      {
        from: new Date('2026-03-01T00:00:00.000Z'),
        to: new Date('2026-03-02T08:30:00.000Z'),
        actorId: ALICE,
        action: 'login_failed',
        limit: 1000,
      },
    ]);
  });

  it('an empty query filters on nothing', async () => {
    const { trail, list } = setup();
    await list.execute({});
    expect(trail.filters).toEqual([{ from: null, to: null, actorId: null, action: null, limit: 1000 }]);
  });

  it('answers what the trail holds for the filter, newest first, capped at 1000', async () => {
    const { trail, list } = setup();
    const start = Date.parse('2026-03-01T00:00:00Z');
    for (let i = 0; i < MAX_AUDIT_ENTRIES + 5; i += 1)
      trail.add({ action: 'login_succeeded', actorId: ALICE, at: new Date(start + i * 1000) });
    trail.add({ action: 'login_failed', actorId: BOB, at: new Date(start) });
    const all = await list.execute({ actor: ALICE });
    expect(all).toHaveLength(1000);
    expect(all[0]!.at).toEqual(new Date(start + (MAX_AUDIT_ENTRIES + 4) * 1000));
    expect(all.every((e) => e.actorId === ALICE)).toBe(true);
    expect((await list.execute({ action: 'login_failed' })).map((e) => e.actorId)).toEqual([BOB]);
  });

  it('refuses an actor that is not a UUID, before reading the trail', async () => {
    const { trail, list } = setup();
    for (const actor of ['alice', `${ALICE} `, ALICE.replace(/-/g, ''), "' OR 1=1 --", ''])
      expect((await refusal(() => list.execute({ actor }))).message).toBe('actor must be a UUID');
    expect(trail.filters).toEqual([]);
  });

  it('VAL-01: refuses a from or to that is not RFC 3339 with an offset, naming the field', async () => {
    const { trail, list } = setup();
    const bad = [
      '2026-03-02T09:00:00', // no offset
      '2026-03-02', // a date only
      '2025-02-30T10:00:00Z', // no such day: Date would roll it into March
      '1969-12-31T23:59:59Z', // before 1970
      '2101-01-01T00:00:00Z', // after 2100
      '2026-03-02 09:00:00Z', // no T
      '1772442000000', // epoch milliseconds
      'yesterday',
    ];
    for (const value of bad) {
      const from = await refusal(() => list.execute({ from: value }));
      expect(from.message).toMatch(/^from must be an RFC 3339 date-time with an offset/);
      expect(from).toMatchObject({ kind: 'invalid', code: 'ACTIVITY.INVALID_QUERY' });
      expect(isDomainError(from)).toBe(true);
      const to = await refusal(() => list.execute({ from: '2026-03-01T00:00:00Z', to: value }));
      expect(to.message).toMatch(/^to must be an RFC 3339 date-time with an offset/);
    }
    expect(trail.filters).toEqual([]);
  });
});
