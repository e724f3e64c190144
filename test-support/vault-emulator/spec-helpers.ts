import net from 'node:net';
import type { VaultEmulator } from './vault-emulator';

// Helpers for the emulator's own specs: plain fetch over loopback, plus a raw socket for what
// fetch cannot send (the LIST verb, odd methods, pipelining).

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body (loosely typed: these are wire-level assertions). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface CallOptions {
  /** Sent as X-Vault-Token; `null` sends none. Defaults to the root token. */
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function call(
  vault: VaultEmulator,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? vault.rootToken : opts.token;
  if (token !== null) headers['X-Vault-Token'] = token;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${vault.url}/v1/${path}`, { method, headers, body, signal: opts.signal });
  const text = await res.text();
  let json: unknown = undefined;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface RawReply {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends bytes on a fresh socket and collects everything until the server closes it. */
export function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(payload);
  });
}

/** Splits a stream of HTTP/1.1 responses that all carry Content-Length (or none for 204). */
export function parseResponses(stream: string): RawReply[] {
  const replies: RawReply[] = [];
  let rest = stream;
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const [statusLine = '', ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers = new Map<string, string>();
    for (const line of lines) {
      const i = line.indexOf(':');
      headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
    }
    const length = Number(headers.get('content-length') ?? '0');
    const bodyStart = headEnd + 4;
    replies.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(bodyStart, bodyStart + length),
    });
    rest = rest.slice(bodyStart + length);
  }
  return replies;
}

/** One raw request with `Connection: close`. */
export async function rawRequest(
  vault: VaultEmulator,
  method: string,
  path: string,
  opts: { token?: string; body?: string } = {},
): Promise<RawReply> {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${vault.port}`, 'Connection: close'];
  if (opts.token) lines.push(`X-Vault-Token: ${opts.token}`);
  if (opts.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(opts.body)}`);
  const stream = await rawExchange(vault.port, `${lines.join('\r\n')}\r\n\r\n${opts.body ?? ''}`);
  const [reply] = parseResponses(stream);
  if (!reply) throw new Error(`no response in ${JSON.stringify(stream)}`);
  return reply;
}

/** Top-level keys of a JSON object body, in wire order. */
export function keyOrder(text: string): string[] {
  return Object.keys(JSON.parse(text) as Record<string, unknown>);
}

export const ENVELOPE_KEYS = [
  'request_id',
  'lease_id',
  'renewable',
  'lease_duration',
  'data',
  'wrap_info',
  'warnings',
  'auth',
  'mount_type',
];

export const AUTH_KEYS = [
  'client_token',
  'accessor',
  'policies',
  'token_policies',
  'metadata',
  'lease_duration',
  'renewable',
  'entity_id',
  'token_type',
  'orphan',
  'mfa_requirement',
  'num_uses',
];

export const INVALID_TOKEN = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';
export const DENIED = '1 error occurred:\n\t* permission denied\n\n';
export const UNSUPPORTED_PATH = '1 error occurred:\n\t* unsupported path\n\n';
export const UNSUPPORTED_OPERATION = '1 error occurred:\n\t* unsupported operation\n\n';

/** A manual clock for deterministic time-dependent specs. */
export class ManualClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
