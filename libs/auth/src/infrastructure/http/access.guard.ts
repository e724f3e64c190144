import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { LegacyHeaderAuthenticator } from './legacy-header.authenticator';
import { AuthConfig } from '../auth.config';
import {
  type AuthenticatedRequest,
  ENROLMENT_KEY,
  PUBLIC_KEY,
  RECENT_AUTH_KEY,
  RECENT_AUTH_WINDOW_MS,
  ROLES_KEY,
  SECOND_FACTOR_KEY,
} from './auth.decorators';

/**
 * passport-jwt tells two outcomes apart: `fail` (no token, bad signature, expired, a session or user
 * that is gone: `user` is false) and `error` (the strategy itself could not decide: the database did
 * not answer). Only the first is a 401. The second propagates untouched, so the exception filter
 * answers it as what it is (a dependency outage: 503 with Retry-After) and never signs a valid
 * session out (REL-FAULT-01).
 */
class JwtGuard extends AuthGuard('jwt') {
  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    if (!user) throw new UnauthorizedException('Invalid or missing access token');
    return user;
  }
}

/**
 * Authentication for every route unless `@Public()`: a bearer access token, or — only where a route
 * allows it and the operator switched it on — the legacy `X-User-Id` header from a trusted proxy.
 * A bearer token always wins (LEG-03).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly jwt: CanActivate = new JwtGuard();

  constructor(
    private readonly reflector: Reflector,
    private readonly legacy: LegacyHeaderAuthenticator,
    private readonly config: AuthConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]))
      return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    if (req.headers.authorization === undefined && req.headers['x-user-id'] !== undefined) {
      const user = await this.legacy.authenticate(req, res, context);
      if (!user) throw new UnauthorizedException('Authentication required');
      req.user = user;
      req.authVia = 'legacy';
      return true;
    }
    await this.jwt.canActivate(context);
    req.authVia = 'bearer';
    if (req.headers['x-user-id'] !== undefined) await this.legacy.checkMismatch(req);
    this.requireEnrolment(context, req);
    this.requireSecondFactor(context, req);
    this.requireRecentAuthentication(context, req);
    return true;
  }

  /**
   * Routes that make the server act (git runs) want a session that passed a second factor. Sessions
   * of a 2FA account always did: login asks for the code, and turning 2FA on ends the others (MFA-07).
   */
  private requireSecondFactor(context: ExecutionContext, req: AuthenticatedRequest): void {
    if (!this.reflector.get<boolean>(SECOND_FACTOR_KEY, context.getHandler()) || req.user?.totpEnabled)
      return;
    // A role the route refuses anyway hears that from the roles guard, not about 2FA.
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles && req.user && !roles.includes(req.user.role)) return;
    throw new ForbiddenException({
      message: 'Two-factor authentication required: turn it on with POST /2fa/setup, then retry',
      code: 'mfa_required',
    });
  }

  private requireRecentAuthentication(context: ExecutionContext, req: AuthenticatedRequest): void {
    if (!this.reflector.get<boolean>(RECENT_AUTH_KEY, context.getHandler())) return;
    const at = req.authenticatedAt?.getTime() ?? 0;
    if (Date.now() - at <= RECENT_AUTH_WINDOW_MS) return;
    throw new UnauthorizedException({
      message: 'Recent authentication required: log in again, then retry',
      code: 'reauth_required',
    });
  }

  /** With MFA_REQUIRED, a user without 2FA reaches only enrolment routes (MFA-05). */
  private requireEnrolment(context: ExecutionContext, req: AuthenticatedRequest): void {
    if (!this.config.mfaRequired || req.user?.totpEnabled) return;
    if (this.reflector.get<boolean>(ENROLMENT_KEY, context.getHandler())) return;
    throw new ForbiddenException({
      message: 'Two-factor enrolment required: set it up with POST /2fa/setup',
      code: 'mfa_enrolment_required',
    });
  }
}
