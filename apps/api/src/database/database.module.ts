import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseRuntime } from './database-runtime';

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', '57P03']);

@Global()
@Module({ providers: [DatabaseRuntime], exports: [DatabaseRuntime] })
class DatabaseRuntimeModule {}

/** Applies pending migrations before any other module starts using the schema. */
@Injectable()
class MigrateOnStart implements OnModuleInit {
  constructor(
    private readonly runtime: DatabaseRuntime,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): Promise<void> {
    return this.runtime.migrate(this.dataSource);
  }
}

@Module({
  imports: [
    DatabaseRuntimeModule,
    TypeOrmModule.forRootAsync({
      inject: [DatabaseRuntime],
      useFactory: async (runtime: DatabaseRuntime) => ({
        ...(await runtime.options()),
        // A server that is still starting is waited for a little; a wrong URL or password is not.
        retryAttempts: 5,
        retryDelay: 1_000,
        toRetry: (error: unknown) => CONNECTION_ERRORS.has((error as { code?: string }).code ?? ''),
      }),
    }),
  ],
  providers: [MigrateOnStart],
})
export class DatabaseModule {}
