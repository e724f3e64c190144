import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BootstrapAdmin } from '@uyoop/auth';
import { isDomainError } from '@uyoop/shared';
import { StartupError } from './startup-error';
import { Env } from '../config/env';

/** Creates the first ADMIN from `BOOTSTRAP_ADMIN_*` when the user table is empty (containers). */
@Injectable()
export class BootstrapAdminOnStart implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly env: Env,
    private readonly bootstrap: BootstrapAdmin,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const outcome = await this.bootstrap
      .execute({
        username: this.env.BOOTSTRAP_ADMIN_USERNAME,
        password: this.env.BOOTSTRAP_ADMIN_PASSWORD,
        email: this.env.BOOTSTRAP_ADMIN_EMAIL,
      })
      .catch((error: unknown) => {
        if (isDomainError(error))
          throw new StartupError(`BOOTSTRAP_ADMIN_USERNAME/PASSWORD refused: ${error.message}`);
        throw error;
      });
    if (outcome === 'created')
      this.logger.log(`Created the first ADMIN "${this.env.BOOTSTRAP_ADMIN_USERNAME}"`);
    if (outcome === 'skipped-users-exist') this.logger.log('BOOTSTRAP_ADMIN_* ignored: users already exist');
  }
}
