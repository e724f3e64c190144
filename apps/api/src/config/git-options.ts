import type { CalendarModuleOptions } from '@uyoop/calendar';
import { tmpdir } from 'node:os';
import type { Env } from './env';

/** How often each instance looks at the shared queue of git runs. */
const POLL_MS = 1_000;

/** Git actions' settings from the environment (GIT_*). */
export function gitOptionsFrom(env: Env): CalendarModuleOptions['git'] {
  return {
    allowedHosts: env.GIT_ALLOWED_HOSTS,
    mirrors: env.GIT_MIRRORS.map((pair) => {
      const at = pair.indexOf('/=');
      return { from: pair.slice(0, at + 1), to: pair.slice(at + 2) };
    }),
    timeoutMs: env.GIT_RUN_TIMEOUT_MS,
    concurrency: env.GIT_CONCURRENCY,
    worker: env.GIT_WORKER,
    pollMs: POLL_MS,
    workspaceRoot: env.GIT_WORKSPACE_DIR ?? tmpdir(),
    credentialsPrefix: env.GIT_CREDENTIALS_PATH,
  };
}
