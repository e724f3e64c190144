import type { NextFunction, Request, Response } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/**
 * The web SPA (apps/web, built by `npm run build:web` into dist/web), served by the API itself on the
 * same origin: `GET /` (and `/index.html`) answers the page, `GET /assets/<file>` its bundle. Every
 * other path falls through to Nest, so unknown API routes keep their JSON 404.
 *
 * The files are read once at start into memory (a few hundred kB): nothing on disk is looked up per
 * request, so no request path can reach a file that was not in the build.
 */
export interface WebApp {
  readonly dir: string;
  /** index.html, with `{{CSP_NONCE}}` where the per-request nonce goes. */
  readonly indexTemplate: string;
  readonly assets: ReadonlyMap<string, WebAsset>;
}

interface WebAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

export const NONCE_PLACEHOLDER = '{{CSP_NONCE}}';

/**
 * The files served, by extension. No `.map`: source maps are never served (OPS-06), whatever a build
 * directory holds; the production build emits none and `--dev` builds inline theirs.
 */
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where the build is: `WEB_DIR`, else dist/web next to the compiled API or of this checkout. */
export function webDirCandidates(configured: string | undefined): string[] {
  if (configured) return [resolve(configured)];
  return [
    resolve(__dirname, '../../../../web'), // compiled: dist/apps/api/src/http -> dist/web
    resolve(__dirname, '../../../../dist/web'), // from source (ts-node, Jest): apps/api/src/http -> dist/web
  ];
}

/** The build, or null when there is none (the API then runs without the SPA). */
export function loadWebApp(configured: string | undefined): WebApp | null {
  const dir = webDirCandidates(configured).find((d) => existsSync(join(d, 'index.html')));
  if (!dir) return null;
  const indexTemplate = readFileSync(join(dir, 'index.html'), 'utf8');
  const assets = new Map<string, WebAsset>();
  const assetDir = join(dir, 'assets');
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      const file = join(assetDir, name);
      const type = CONTENT_TYPES[extname(name)];
      if (!type || !statSync(file).isFile()) continue;
      const body = readFileSync(file);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      assets.set(name, { body, contentType: type, etag });
    }
  }
  return { dir, indexTemplate, assets };
}

/**
 * The SPA's own policy (the API's JSON answers keep `default-src 'none'`): scripts and styles from
 * this origin only, plus a per-request nonce for `<style>` elements a library may inject (read by
 * FullCalendar from `<meta name="csp-nonce">`); data: images for the 2FA QR code; fetch to this
 * origin only. No 'unsafe-inline', no 'unsafe-eval'.
 */
export function spaContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

const ASSET_PATH = /^\/assets\/([A-Za-z0-9][A-Za-z0-9._-]*)$/;

/**
 * Express middleware, mounted after the security headers (which it keeps, replacing only the CSP
 * and the caching policy of its own answers). Without a build it only passes requests on.
 */
export function webAppMiddleware(
  web: WebApp | null,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    if (!web || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    // Not `req.path`: mounted for every route, the middleware sees paths relative to its mount point.
    const url = req.originalUrl;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path === '/' || path === '/index.html') {
      const nonce = randomBytes(18).toString('base64');
      res.setHeader('Content-Security-Policy', spaContentSecurityPolicy(nonce));
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.status(200).send(web.indexTemplate.split(NONCE_PLACEHOLDER).join(nonce));
      return;
    }
    const match = ASSET_PATH.exec(path);
    const asset = match ? web.assets.get(match[1]!) : undefined;
    if (!asset) return next();
    res.setHeader('Content-Security-Policy', spaContentSecurityPolicy(randomBytes(18).toString('base64')));
    res.setHeader('Content-Type', asset.contentType);
    // Names are stable across builds: revalidate every time, answer 304 when unchanged.
    res.setHeader('Cache-Control', 'no-cache');
    res.removeHeader('Pragma');
    res.setHeader('ETag', asset.etag);
    if (req.headers['if-none-match'] === asset.etag) {
      res.status(304).end();
      return;
    }
    res.status(200).send(asset.body);
  };
}
