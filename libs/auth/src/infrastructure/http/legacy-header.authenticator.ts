import { type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditLog, isUuid } from '@uyoop/shared';
import type { Request, Response } from 'express';
import { BlockList, isIP } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Counter, register } from 'prom-client';
import { UserRepository } from '../../application/ports/user-repository.port';
import type { User } from '../../domain/user';
import { AuthConfig } from '../auth.config';
import { type AuthenticatedRequest, LEGACY_ALLOWED_KEY } from './auth.decorators';

const METRIC = 'auth_legacy_header_total';
const counter =
  (register.getSingleMetric(METRIC) as Counter<'outcome'> | undefined) ??
  new Counter({
    name: METRIC,
    help: 'Requests carrying the legacy X-User-Id header, by outcome',
    labelNames: ['outcome'],
  });

/**
 * The migration fallback of the contract (LEG-01..LEG-06): `X-User-Id` authenticates only when the
 * operator switched it on, before its sunset date, on routes that allow it, from a trusted proxy that
 * also presents the shared secret, for an active user who is neither ADMIN nor using 2FA.
 */
@Injectable()
export class LegacyHeaderAuthenticator {
  private readonly proxies = new BlockList();

  constructor(
    private readonly config: AuthConfig,
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
    private readonly reflector: Reflector,
  ) {
    for (const entry of config.legacy.trustedProxies) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.proxies.addAddress(address, type);
      else this.proxies.addSubnet(address, Number(bits), type);
    }
  }

  async authenticate(
    req: Request & AuthenticatedRequest,
    res: Response,
    context: ExecutionContext,
  ): Promise<User | null> {
    const { legacy } = this.config;
    if (!legacy.enabled) return null; // LEG-01: the header is ignored, the request is unauthenticated
    const peer = req.socket.remoteAddress ?? '';
    const reason = this.refusal(req, peer, context);
    if (reason) return this.reject(req, reason);
    const user = await this.users.findById(String(req.headers['x-user-id']));
    if (!user || !user.isActive) return this.reject(req, 'unknown_or_inactive_user');
    if (user.role === 'ADMIN' || user.totpEnabled) return this.reject(req, 'privileged_user');
    res.setHeader('Deprecation', 'true');
    res.setHeader('Sunset', legacy.sunset.toUTCString());
    counter.inc({ outcome: 'accepted' });
    await this.audit.record({
      action: 'legacy_header_used',
      actorId: user.id,
      ip: req.ip ?? null,
      details: { route: req.path },
    });
    return user;
  }

  /** LEG-03: a bearer token and an `X-User-Id` naming someone else → 401. */
  async checkMismatch(req: Request & AuthenticatedRequest): Promise<void> {
    const claimed = req.headers['x-user-id'];
    if (req.user && claimed !== req.user.id) {
      await this.audit.record({
        action: 'identity_mismatch',
        actorId: req.user.id,
        ip: req.ip ?? null,
        details: { route: req.path },
      });
      throw new UnauthorizedException('Conflicting identities in the request');
    }
  }

  private refusal(req: Request, peer: string, context: ExecutionContext): string | null {
    const { legacy } = this.config;
    if (Date.now() >= legacy.sunset.getTime()) return 'past_sunset';
    if (!this.reflector.get<boolean>(LEGACY_ALLOWED_KEY, context.getHandler())) return 'route_not_allowed';
    const plain = peer.startsWith('::ffff:') ? peer.slice(7) : peer;
    if (!isIP(plain) || !this.proxies.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4'))
      return 'untrusted_peer';
    const secret = req.headers['x-legacy-proxy-secret'];
    if (typeof secret !== 'string' || !legacy.proxySecret || !sameSecret(secret, legacy.proxySecret))
      return 'bad_proxy_secret';
    const value = req.headers['x-user-id'];
    if (typeof value !== 'string' || !isUuid(value)) return 'malformed_user_id';
    return null;
  }

  private async reject(req: Request, reason: string): Promise<null> {
    counter.inc({ outcome: 'rejected' });
    await this.audit.record({
      action: 'legacy_header_rejected',
      ip: req.ip ?? null,
      details: { reason, route: req.path },
    });
    return null;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
