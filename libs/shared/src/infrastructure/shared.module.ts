import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditLog } from '../audit';
import { Clock, SystemClock } from '../clock';
import { AuditRecord } from './audit/audit.record';
import { TypeOrmAuditLog } from './audit/typeorm-audit-log.adapter';

/** The kernel every context may rely on: one Clock and the audit trail for the whole process. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditRecord])],
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: AuditLog, useClass: TypeOrmAuditLog },
  ],
  exports: [Clock, AuditLog],
})
export class SharedModule {}
