import { Global, Module } from '@nestjs/common';
import { AuditLog } from '../audit';
import { Clock, SystemClock } from '../clock';
import { Notifications } from '../notifications';
import { UnitOfWork } from '../unit-of-work';
import { TypeOrmAuditLog } from './audit/typeorm-audit-log.adapter';
import { TypeOrmNotifications } from './notifications/typeorm-notifications.adapter';
import { TypeOrmUnitOfWork } from './persistence/typeorm-unit-of-work';

/**
 * The kernel every context may rely on: one Clock, the unit of work (and the transaction-aware
 * database access every adapter goes through), the audit trail for the whole process, and the
 * notices that some audited changes leave for the user they concern.
 */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    TypeOrmUnitOfWork,
    { provide: UnitOfWork, useExisting: TypeOrmUnitOfWork },
    { provide: AuditLog, useClass: TypeOrmAuditLog },
    { provide: Notifications, useClass: TypeOrmNotifications },
  ],
  exports: [Clock, AuditLog, Notifications, UnitOfWork, TypeOrmUnitOfWork],
})
export class SharedModule {}
