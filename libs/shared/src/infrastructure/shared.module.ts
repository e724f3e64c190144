import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../clock';
import { UnitOfWork } from '../unit-of-work';
import { TypeOrmUnitOfWork } from './persistence/typeorm-unit-of-work';

/**
 * The kernel every context relies on: one Clock and the unit of work (with the transaction-aware
 * database access every adapter goes through). Global because every module injects them and none
 * owns them; the audit trail's binding comes from the activity context.
 */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    TypeOrmUnitOfWork,
    { provide: UnitOfWork, useExisting: TypeOrmUnitOfWork },
  ],
  exports: [Clock, UnitOfWork, TypeOrmUnitOfWork],
})
export class SharedModule {}
