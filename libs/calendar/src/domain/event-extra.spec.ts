import { InvalidEvent } from './calendar.errors';
import { validateExtra } from './event-extra';

const git = (repo_url: unknown) => ({ repo_url, branch: 'main', action: 'fetch' });

// C0, DEL, C1 and whitespace (ASCII and Unicode), each placed where new URL() would quietly drop,
// trim or percent-encode it.
const BAD = [
  '\r\nATTENDEE:mailto:x@evil.example',
  '\nEND:VEVENT',
  '\r',
  '\t',
  '\u0000',
  '\u0008',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u009f',
  ' ',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
];

describe('typed extra: URL fields', () => {
  it.each(BAD.map((bad) => [JSON.stringify(bad), bad]))(
    'VAL-ICS-03: extra.link and extra.repo_url holding %s are refused, naming the field',
    (_label, bad) => {
      for (const link of [
        `https://meet.example.org/x${bad}`,
        `${bad}https://meet.example.org/x`,
        `https://meet.example.org/x?q=${bad}`,
      ]) {
        expect(() => validateExtra('meeting', { link })).toThrow(InvalidEvent);
        expect(() => validateExtra('meeting', { link })).toThrow(
          'extra.link must be an https URL without control characters or whitespace',
        );
      }
      for (const repo of [
        `https://git.example.org/team/app.git${bad}`,
        `https://git.example.org/te${bad}am/app.git`,
      ]) {
        expect(() => validateExtra('git_action', git(repo))).toThrow(
          'extra.repo_url must be an https URL without control characters or whitespace',
        );
      }
    },
  );

  it('VAL-ICS-03: URLs are stored exactly as new URL(value).href gives them', () => {
    for (const link of [
      'https://meet.example.org/daily',
      'HTTPS://Meet.Example.ORG:443/a/../room?x=1,2;y=3#top',
      'https://meet.example.org',
      'https://réunion.example.org/salle-é',
      'https://meet.example.org/%41%2f?q=%zz',
    ]) {
      expect(validateExtra('meeting', { link }).link).toBe(new URL(link).href);
    }
    expect(validateExtra('meeting', { link: 'HTTPS://Meet.Example.ORG:443/a/../room' }).link).toBe(
      'https://meet.example.org/room',
    );
    expect(validateExtra('git_action', git('https://GIT.Example.org/team/app.git')).repo_url).toBe(
      'https://git.example.org/team/app.git',
    );
  });

  it('VAL-ICS-03: the existing rules still hold (https only, no credentials, public hosts, length)', () => {
    expect(() => validateExtra('meeting', { link: 'http://meet.example.org' })).toThrow(
      'extra.link must be an https URL',
    );
    expect(() => validateExtra('meeting', { link: 'javascript:alert(1)' })).toThrow(
      'extra.link must be an https URL',
    );
    expect(() => validateExtra('meeting', { link: 42 })).toThrow('extra.link must be an https URL');
    expect(() => validateExtra('meeting', { link: 'https://u:p@meet.example.org/' })).toThrow(
      'without credentials',
    );
    expect(() => validateExtra('meeting', { link: `https://meet.example.org/${'a'.repeat(2048)}` })).toThrow(
      'extra.link must be an https URL of at most 2048 characters',
    );
    // Short as typed, longer than the limit once percent-encoded: the stored form is what counts.
    expect(() => validateExtra('meeting', { link: `https://meet.example.org/${'é'.repeat(500)}` })).toThrow(
      'extra.link must be an https URL of at most 2048 characters',
    );
    expect(() => validateExtra('git_action', git('ext::sh -c touch% /tmp/pwned'))).toThrow(
      'extra.repo_url must be an https URL',
    );
    for (const repo of [
      'https://127.0.0.1/r.git',
      'https://[::1]/r.git',
      'https://localhost/r.git',
      'https://intranet/r.git',
    ]) {
      expect(() => validateExtra('git_action', git(repo))).toThrow('public host');
    }
    expect(() => validateExtra('git_action', git('https://u:p@git.example.org/r.git'))).toThrow(
      'without credentials',
    );
  });
});
