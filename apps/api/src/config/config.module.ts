import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Env } from './env';

/** Makes the validated `Env` injectable everywhere; it is read once, before the module graph. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: Env): DynamicModule {
    return { module: AppConfigModule, providers: [{ provide: Env, useValue: env }], exports: [Env] };
  }
}
