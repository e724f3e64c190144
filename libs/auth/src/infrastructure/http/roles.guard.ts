import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditLog, type Role } from '@uyoop/shared';
import type { Request } from 'express';
import { type AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';

/** `@Roles(...)`: the caller's current, stored role must be listed; refusals are audited (AC-06). */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const user = req.user;
    if (user && roles.includes(user.role)) return true;
    await this.audit.record({
      action: 'access_denied',
      actorId: user?.id ?? null,
      ip: req.ip ?? null,
      details: {
        route: `${req.method} ${req.route?.path ?? req.path}`,
        role: user?.role ?? null,
        needs: roles,
      },
    });
    throw new ForbiddenException(`This action needs the role ${roles.join(' or ')}`);
  }
}
