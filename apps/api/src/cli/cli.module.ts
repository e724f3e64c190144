import { type DynamicModule, Module } from '@nestjs/common';
import { UsersCoreModule } from '@uyoop/auth';
import { SecretsModule, VaultClient, vaultClientOptionsFrom } from '@uyoop/secrets';
import { SharedModule } from '@uyoop/shared/nest';
import { AppConfigModule } from '../config/config.module';
import type { Env } from '../config/env';
import { DatabaseModule } from '../database/database.module';

/** The application without its HTTP server: what the CLI commands need. */
@Module({})
export class CliModule {
  static register(env: Env): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.forRoot(env),
        SharedModule,
        SecretsModule.forRoot(env.VAULT_ADDR ? new VaultClient(vaultClientOptionsFrom(env)) : undefined),
        DatabaseModule,
        UsersCoreModule,
      ],
    };
  }
}
