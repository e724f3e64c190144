import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../clock';

/** The kernel every context may rely on: one Clock for the whole process. */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }],
  exports: [Clock],
})
export class SharedModule {}
