import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { Env } from '../config/env';
import { OpenApiDocument } from '../openapi/openapi';
import { installClientErrorAnswer, rejectMalformedUrl } from './transport-errors';

/**
 * What the HTTP server needs beyond the module graph; shared by `main.ts` and the e2e tests so both
 * run the same pipeline. Called before `init()`/`listen()`: the HTTP server already exists (Nest
 * creates it with the app) and `app.use` here mounts ahead of the modules' middlewares. The app must
 * be created with `{ bodyParser: false }`: bodies are parsed by `JsonBodyMiddleware` (JSON only,
 * 100 kB).
 */
export function configureApp(app: NestExpressApplication, env: Env): void {
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy(env.TRUSTED_PROXIES));
  app.set('query parser', 'simple');
  // Requests that fail before the middlewares run still get the security headers and a JSON body.
  installClientErrorAnswer(app.getHttpServer() as Server);
  app.use(rejectMalformedUrl);
  app.get(OpenApiDocument).generate(app);
}

/**
 * Express's `req.ip` believes X-Forwarded-For only from these peers (never `true`), so a client
 * cannot pick its own address by sending the header (RL-03).
 */
export function trustProxy(entries: readonly string[]): (address: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (address: string) => {
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    return list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
  };
}
