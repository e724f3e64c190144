import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactUrl, requestId } from './logging';

describe('redactUrl (LOG-02)', () => {
  it('removes secret query values and keeps the rest', () => {
    expect(redactUrl('/calendar/feed.ics?token=abc123&x=1')).toBe('/calendar/feed.ics?token=[Redacted]&x=1');
    expect(redactUrl('/a?x=1&refresh_token=zz')).toBe('/a?x=1&refresh_token=[Redacted]');
    expect(redactUrl('/events?from=2026-01-01')).toBe('/events?from=2026-01-01');
  });
});

describe('requestId', () => {
  function call(incoming?: string) {
    const headers: Record<string, string> = {};
    const res = { setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as ServerResponse;
    const id = requestId({ headers: incoming ? { 'x-request-id': incoming } : {} } as IncomingMessage, res);
    return { id, echoed: headers['X-Request-Id'] };
  }

  it('keeps a well-formed incoming id', () => {
    expect(call('abc-123')).toEqual({ id: 'abc-123', echoed: 'abc-123' });
  });

  it('replaces a malformed one (log injection, LOG-04) with a fresh uuid', () => {
    const { id, echoed } = call('x\r\nforged: yes');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(echoed).toBe(id);
  });
});
