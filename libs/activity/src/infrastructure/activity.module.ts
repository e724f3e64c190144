import { Global, Module } from '@nestjs/common';
import { AuditLog } from '@uyoop/shared';
import { ListAuditEntries } from '../application/list-audit-entries.use-case';
import { ListNotices } from '../application/list-notices.use-case';
import { MarkAllNoticesRead } from '../application/mark-all-notices-read.use-case';
import { MarkNoticeRead } from '../application/mark-notice-read.use-case';
import { AuditTrail } from '../application/ports/audit-trail.port';
import { Notices } from '../application/ports/notices.port';
import { AuditController } from './http/audit.controller';
import { NotificationsController } from './http/notifications.controller';
import { TypeOrmAuditLog } from './persistence/typeorm-audit-log.adapter';
import { TypeOrmAuditTrail } from './persistence/typeorm-audit-trail';
import { TypeOrmNotices } from './persistence/typeorm-notices.repository';

/**
 * The audit trail and the in-app notices. Every context records through the kernel's `AuditLog`
 * port and never imports this context; this module binds that port, hence `@Global`: Nest must see the
 * binding from every module that injects the port. It exports nothing else.
 */
@Global()
@Module({
  controllers: [AuditController, NotificationsController],
  providers: [
    { provide: AuditLog, useClass: TypeOrmAuditLog },
    { provide: AuditTrail, useClass: TypeOrmAuditTrail },
    { provide: Notices, useClass: TypeOrmNotices },
    ListAuditEntries,
    ListNotices,
    MarkNoticeRead,
    MarkAllNoticesRead,
  ],
  exports: [AuditLog],
})
export class ActivityModule {}
