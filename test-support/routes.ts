import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { AUTHENTICATED_KEY, PUBLIC_KEY, ROLES_KEY } from '@uyoop/auth';

/** Routes open to anyone, per the contract; making another route public means adding it here on purpose. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  'GET /health',
  'GET /health/live',
  'GET /openapi.json',
  'GET /metrics',
  'POST /login',
  'POST /2fa/verify',
  'POST /token/refresh',
  'POST /logout',
  'GET /calendar/feed.ics',
]);

export interface NestRoute {
  method: string;
  path: string;
  /** `METHOD /path`, as tables of routes name them. */
  key: string;
  controller: string;
  handler: string;
  isPublic: boolean;
  authenticated: boolean;
  roles: unknown;
}

const HTTP_METHODS: Record<number, string> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.DELETE]: 'DELETE',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.ALL]: 'ALL',
  [RequestMethod.OPTIONS]: 'OPTIONS',
  [RequestMethod.HEAD]: 'HEAD',
};

function asList(value: unknown): string[] {
  if (value === undefined) return ['/'];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function join(...parts: string[]): string {
  return `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}

/**
 * Every (method, path) of every controller of a Nest app, with its access metadata: what Nest's
 * router explorer reads, taken from the module graph (AC-01, AC-02).
 */
export function nestRoutes(app: INestApplication): NestRoute[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const routes: NestRoute[] = [];
  const seen = new Set<unknown>();
  for (const wrapper of discovery.getControllers()) {
    const metatype = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!metatype || seen.has(metatype)) continue;
    seen.add(metatype);
    const prototype = metatype.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const methodPath: unknown = Reflect.getMetadata(PATH_METADATA, handler);
      if (methodPath === undefined) continue; // not a route handler
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as number;
      const targets = [handler, metatype];
      for (const base of asList(Reflect.getMetadata(PATH_METADATA, metatype))) {
        for (const sub of asList(methodPath)) {
          const method = HTTP_METHODS[requestMethod] ?? String(requestMethod);
          const path = join(base, sub);
          routes.push({
            method,
            path,
            key: `${method} ${path}`,
            controller: metatype.name,
            handler: name,
            isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
            authenticated: reflector.getAllAndOverride<boolean>(AUTHENTICATED_KEY, targets) === true,
            roles: reflector.getAllAndOverride<unknown>(ROLES_KEY, targets),
          });
        }
      }
    }
  }
  return routes;
}
