import ICAL from 'ical.js';
import type { CalendarEvent } from './calendar-event';
import { toICalendar } from './icalendar';

const NOW = new Date('2026-05-01T08:00:00Z');

let seq = 0;
const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  title: 'Daily',
  start: new Date('2026-05-04T09:00:00Z'),
  end: new Date('2026-05-04T09:30:00Z'),
  type: 'meeting',
  extra: {},
  createdBy: 'user-1',
  createdAt: NOW,
  updatedAt: NOW,
  status: null,
  ...over,
});

/** What an independent parser (ical.js) reads back: the VEVENTs with their properties. */
function parse(ics: string): ICAL.Component[] {
  return new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent');
}

/** The content lines of the feed, unfolded as RFC 5545 §3.1 says (CRLF followed by one space or tab). */
function contentLines(ics: string): string[] {
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((line) => line !== '');
}

// Every C0 character, DEL and every C1 character.
const CONTROLS =
  Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('') +
  '\u007f' +
  Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i)).join('');

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANY_CONTROL_BUT_CRLF = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

describe('iCalendar (RFC 5545) output', () => {
  it('VAL-ICS-01: a link carrying CRLF cannot add an ATTENDEE, a property or a VEVENT to the feed', () => {
    const injected = [
      'https://meet.example.org/x\r\nATTENDEE:mailto:x@evil.example',
      'https://meet.example.org/y\nEND:VEVENT\nBEGIN:VEVENT\nUID:forged@evil\nSUMMARY:Forged\nEND:VEVENT\nBEGIN:VEVENT',
      'https://meet.example.org/z\rATTENDEE:mailto:z@evil.example',
    ];
    const events = injected.map((link) => event({ extra: { link } }));
    const ics = toICalendar(events, NOW);

    const vevents = parse(ics);
    expect(vevents).toHaveLength(events.length);
    expect(vevents.map((v) => v.getFirstPropertyValue('uid'))).toEqual(
      events.map((e) => `${e.id}@uyoop-cal`),
    );
    for (const v of vevents) {
      expect(v.getAllProperties('attendee')).toEqual([]);
      expect(v.getAllProperties().map((p) => p.name)).not.toContain('attendee');
    }
    const lines = contentLines(ics);
    expect(lines.filter((l) => /^(ATTENDEE|BEGIN:VEVENT|END:VEVENT|UID)/i.test(l))).toEqual(
      events.flatMap((e) => ['BEGIN:VEVENT', `UID:${e.id}@uyoop-cal`, 'END:VEVENT']),
    );
    // No CR or LF anywhere but as the CRLF that ends a line.
    expect(ics.split('\r\n').every((l) => !/[\r\n]/.test(l))).toBe(true);
    // A link that is not a clean https URL is left out rather than repaired.
    for (const v of vevents) expect(v.getFirstPropertyValue('url')).toBeNull();
  });

  it('VAL-ICS-01: TEXT values are escaped (backslash, semicolon, comma, newline) and read back exactly', () => {
    const title = 'a\\b; c, d "quoted" \\n not a newline';
    const ics = toICalendar(
      [event({ title, extra: { subtype: 'retro', notes: 'one\ntwo\r\nthree\rfour;five,six\\' } })],
      NOW,
    );
    const lines = contentLines(ics);
    expect(lines).toContain('SUMMARY:a\\\\b\\; c\\, d "quoted" \\\\n not a newline');
    expect(lines).toContain('DESCRIPTION:Meeting (retro)\\none\\ntwo\\nthree\\nfour\\;five\\,six\\\\');
    const [v] = parse(ics);
    expect(v!.getFirstPropertyValue('summary')).toBe(title);
    expect(v!.getFirstPropertyValue('description')).toBe('Meeting (retro)\none\ntwo\nthree\nfour;five,six\\');
  });

  it('VAL-ICS-01: control characters (C0, DEL, C1) never reach the output, whatever field holds them', () => {
    const ics = toICalendar(
      [
        event({ title: `t${CONTROLS}t`, extra: { notes: `n${CONTROLS}n` } }),
        event({
          type: 'git_action',
          title: 'fetch',
          status: 'approved',
          extra: {
            repo_url: `https://git.example.org/r${CONTROLS}.git`,
            branch: `b${CONTROLS}`,
            action: 'fetch',
          },
        }),
        event({
          type: 'deployment_window',
          title: 'deploy',
          status: 'pending',
          extra: { environment: `prod${CONTROLS}`, services: [`api${CONTROLS}`] },
        }),
      ],
      NOW,
    );
    expect(ics.endsWith('\r\n')).toBe(true);
    for (const line of ics.split('\r\n')) {
      expect(line).not.toMatch(ANY_CONTROL_BUT_CRLF);
      expect(line).not.toMatch(/[\r\n]/);
    }
    const vevents = parse(ics);
    expect(vevents).toHaveLength(3);
    // LF and CR stay line breaks (escaped as \n), a tab becomes a space, every other control is gone.
    expect(vevents[0]!.getFirstPropertyValue('summary')).toBe('t \n\nt');
    expect(vevents[0]!.getFirstPropertyValue('description')).toBe('Meeting\nn \n\nn');
  });

  it('VAL-ICS-02: content lines are folded at 75 octets with CRLF and one space, never inside a UTF-8 character', () => {
    const title = `Café ☕ déploiement 🚀 ${'ünïcødé ☕🚀 '.repeat(12)}end`.slice(0, 200);
    const notes = '€'.repeat(100) + '𝄞'.repeat(60) + 'x'.repeat(300);
    const ics = toICalendar([event({ title, extra: { notes } })], NOW);
    const bytes = Buffer.from(ics, 'utf8');
    expect(bytes.subarray(-2).toString('latin1')).toBe('\r\n');
    const physical = ics.slice(0, -2).split('\r\n');
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let continued = 0;
    for (const line of physical) {
      const octets = Buffer.from(line, 'utf8');
      expect(octets.length).toBeLessThanOrEqual(75);
      // Each physical line is valid UTF-8 on its own: no character was cut in two.
      expect(decoder.decode(octets)).toBe(line);
      if (line.startsWith(' ')) continued++;
    }
    expect(continued).toBeGreaterThan(5);
    const [v] = parse(ics);
    expect(v!.getFirstPropertyValue('summary')).toBe(title);
    expect(v!.getFirstPropertyValue('description')).toBe(`Meeting\n${notes}`);
  });

  it('VAL-ICS-02: a 75-octet line is not folded, a 76-octet one is folded once', () => {
    const at75 = contentLines(toICalendar([event({ title: 'x'.repeat(75 - 'SUMMARY:'.length) })], NOW));
    expect(at75.find((l) => l.startsWith('SUMMARY:'))).toHaveLength(75);
    const raw75 = toICalendar([event({ title: 'x'.repeat(75 - 'SUMMARY:'.length) })], NOW);
    expect(raw75).toContain(`\r\nSUMMARY:${'x'.repeat(67)}\r\nCATEGORIES:`);
    const raw76 = toICalendar([event({ title: 'x'.repeat(76 - 'SUMMARY:'.length) })], NOW);
    expect(raw76).toContain(`\r\nSUMMARY:${'x'.repeat(67)}\r\n x\r\nCATEGORIES:`);
    // A 3-octet character that would straddle octet 75 moves whole to the next line.
    const raw = toICalendar([event({ title: `${'x'.repeat(66)}€y` })], NOW);
    expect(raw).toContain(`\r\nSUMMARY:${'x'.repeat(66)}\r\n €y\r\nCATEGORIES:`);
  });

  it('VAL-ICS-03: the URL property is the normalised https URL, written as a URI (not TEXT-escaped)', () => {
    const ok = event({ extra: { link: 'https://meet.example.org/retro?a=1,2;b=3' } });
    const legacyMixedCase = event({ extra: { link: 'HTTPS://Meet.Example.ORG:443/a/../room' } });
    const notHttps = event({ extra: { link: 'javascript:alert(1)' } });
    const http = event({ extra: { link: 'http://meet.example.org/' } });
    const spaced = event({ extra: { link: 'https://meet.example.org/a b' } });
    const notString = event({ extra: { link: 42 } });
    const ics = toICalendar([ok, legacyMixedCase, notHttps, http, spaced, notString], NOW);
    const urls = parse(ics).map((v) => v.getFirstPropertyValue('url'));
    expect(urls).toEqual([
      'https://meet.example.org/retro?a=1,2;b=3',
      'https://meet.example.org/room',
      null,
      null,
      null,
      null,
    ]);
    expect(contentLines(ics)).toContain('URL:https://meet.example.org/retro?a=1,2;b=3');
  });

  it('VAL-ICS-04: pending is TENTATIVE, rejected is CANCELLED, approved and unapproved are CONFIRMED', () => {
    const window = (status: CalendarEvent['status']) =>
      event({ type: 'deployment_window', title: `w-${status}`, status, extra: { environment: 'prod' } });
    const ics = toICalendar(
      [window('pending'), window('rejected'), window('approved'), event({ title: 'meeting' })],
      NOW,
    );
    expect(parse(ics).map((v) => v.getFirstPropertyValue('status'))).toEqual([
      'TENTATIVE',
      'CANCELLED',
      'CONFIRMED',
      'CONFIRMED',
    ]);
  });

  it('VAL-ICS-02: the calendar has CRLF line ends only, starts with VCALENDAR and ends with a CRLF', () => {
    const ics = toICalendar([event()], NOW);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});
