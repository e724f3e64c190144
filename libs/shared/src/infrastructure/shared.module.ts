import { Global, Module } from '@nestjs/common';
import { AuditLog } from '../audit';
import { Clock, SystemClock } from '../clock';
import { Notifications } from '../notifications';
import { TypeOrmAuditLog } from './audit/typeorm-audit-log.adapter';
import { TypeOrmNotifications } from './notifications/typeorm-notifications.adapter';

/**
 * The kernel every context may rely on: one Clock, the audit trail for the whole process, and the
 * notices that some audited changes leave for the user they concern.
 */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: AuditLog, useClass: TypeOrmAuditLog },
    { provide: Notifications, useClass: TypeOrmNotifications },
  ],
  exports: [Clock, AuditLog, Notifications],
})
export class SharedModule {}
