import net from 'node:net';

// A small HTTP/1.1 server over node:net. node:http's parser rejects methods it does not know
// (Vault clients send `LIST`), so requests are parsed here: any token is accepted as a method.

export interface WireRequest {
  method: string;
  /** The request target as sent, e.g. `/v1/secret/data/app?version=2`. */
  target: string;
  /** Lower-cased header names; repeated headers are joined with ", ". */
  headers: Map<string, string>;
  body: Buffer;
}

export interface WireResponse {
  status: number;
  headers: Array<readonly [string, string]>;
  /** Omitted for 204 responses and HEAD requests. */
  body?: string;
}

export type WireHandler = (req: WireRequest) => Promise<WireResponse>;

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 32 * 1024 * 1024; // Vault's default max_request_size
const METHOD_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const REASONS: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  204: 'No Content',
  307: 'Temporary Redirect',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

class WireError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

type Parsed = { req: WireRequest; rest: Buffer; keepAlive: boolean } | 'incomplete';

function parseChunked(buf: Buffer, start: number): { body: Buffer; end: number } | 'incomplete' {
  const parts: Buffer[] = [];
  let pos = start;
  let total = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) return 'incomplete';
    const size = Number.parseInt(buf.subarray(pos, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size < 0) throw new WireError(400);
    pos = eol + 2;
    if (size === 0) {
      // Trailer section: header lines up to an empty line.
      for (;;) {
        const end = buf.indexOf('\r\n', pos);
        if (end < 0) return 'incomplete';
        const empty = end === pos;
        pos = end + 2;
        if (empty) return { body: Buffer.concat(parts), end: pos };
      }
    }
    total += size;
    if (total > MAX_BODY_BYTES) throw new WireError(413);
    if (buf.length < pos + size + 2) return 'incomplete';
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

function parseRequest(buf: Buffer, sendContinue: () => void): Parsed {
  let offset = 0;
  while (buf[offset] === 0x0d || buf[offset] === 0x0a) offset++; // stray CRLF between requests
  const headEnd = buf.indexOf('\r\n\r\n', offset);
  if (headEnd < 0) {
    if (buf.length - offset > MAX_HEAD_BYTES) throw new WireError(431);
    return 'incomplete';
  }
  const lines = buf.subarray(offset, headEnd).toString('latin1').split('\r\n');
  const [method, target, version, extra] = (lines[0] ?? '').split(' ');
  if (!method || !target || !version || extra !== undefined || !METHOD_RE.test(method)) {
    throw new WireError(400);
  }
  if (!/^HTTP\/1\.[01]$/.test(version)) throw new WireError(400);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new WireError(400);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = headers.get(name);
    headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
  }
  const bodyStart = headEnd + 4;
  const connection = (headers.get('connection') ?? '').toLowerCase();
  const keepAlive =
    version === 'HTTP/1.1' ? !connection.includes('close') : connection.includes('keep-alive');
  let body: Buffer;
  let end: number;
  if ((headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
    const chunked = parseChunked(buf, bodyStart);
    if (chunked === 'incomplete') {
      if ((headers.get('expect') ?? '').toLowerCase() === '100-continue') sendContinue();
      return 'incomplete';
    }
    ({ body, end } = chunked);
  } else {
    const lengthText = headers.get('content-length') ?? '0';
    if (!/^\d+$/.test(lengthText)) throw new WireError(400);
    const length = Number.parseInt(lengthText, 10);
    if (length > MAX_BODY_BYTES) throw new WireError(413);
    if (buf.length < bodyStart + length) {
      if ((headers.get('expect') ?? '').toLowerCase() === '100-continue') sendContinue();
      return 'incomplete';
    }
    body = buf.subarray(bodyStart, bodyStart + length);
    end = bodyStart + length;
  }
  return { req: { method, target, headers, body: Buffer.from(body) }, rest: buf.subarray(end), keepAlive };
}

export function serializeResponse(res: WireResponse, close: boolean): Buffer {
  const reason = REASONS[res.status] ?? `status code ${res.status}`;
  const lines = [`HTTP/1.1 ${res.status} ${reason}`];
  for (const [name, value] of res.headers) lines.push(`${name}: ${value}`);
  lines.push(`Date: ${new Date().toUTCString()}`);
  const body = res.body === undefined ? undefined : Buffer.from(res.body, 'utf8');
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  if (close) lines.push('Connection: close');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body === undefined ? head : Buffer.concat([head, body]);
}

/** One client connection: requests are parsed and answered in order (pipelining-safe). */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private busy = false;
  private continueSent = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly handler: WireHandler,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      void this.pump();
    });
    socket.on('error', () => socket.destroy());
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.socket.destroyed && this.buffer.length > 0) {
        let parsed: Parsed;
        try {
          parsed = parseRequest(this.buffer, () => this.sendContinue());
        } catch (err) {
          const status = err instanceof WireError ? err.status : 400;
          this.socket.end(serializeResponse({ status, headers: [], body: '' }, true));
          this.buffer = Buffer.alloc(0);
          return;
        }
        if (parsed === 'incomplete') return;
        this.buffer = parsed.rest;
        this.continueSent = false;
        const res = await this.handler(parsed.req);
        if (this.socket.destroyed) return;
        // A HEAD answer never carries a body, whatever the handler produced.
        const sent = parsed.req.method === 'HEAD' ? { ...res, body: undefined } : res;
        const bytes = serializeResponse(sent, !parsed.keepAlive);
        if (parsed.keepAlive) this.socket.write(bytes);
        else {
          this.socket.end(bytes);
          return;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private sendContinue(): void {
    if (this.continueSent) return;
    this.continueSent = true;
    this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
  }
}

export class WireServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly handler: WireHandler) {}

  get listening(): boolean {
    return this.server !== null;
  }

  /** Listens on 127.0.0.1; port 0 picks a free port. Resolves with the bound port. */
  async listen(port: number): Promise<number> {
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      new Connection(socket, this.handler);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected server address');
    return address.port;
  }

  /** Stops listening and drops every open connection (in-flight requests never get an answer). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
