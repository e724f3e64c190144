import { Counter, register } from 'prom-client';

/** Which dependency failed or was too slow for a request. */
export type UnavailableDependency = 'database' | 'redis' | 'vault' | 'deadline';

const METRIC = 'uyoop_dependency_unavailable_total';

const counter =
  (register.getSingleMetric(METRIC) as Counter<'dependency'> | undefined) ??
  new Counter({
    name: METRIC,
    help: 'Requests that met an unavailable or too slow dependency (database, redis, vault, deadline)',
    labelNames: ['dependency'],
  });

/**
 * Counts one request that met an unavailable dependency: the exception filter for the 503s it
 * answers, the rate-limit guard for the Redis outages it absorbs (docs/runbook.md).
 */
export function countDependencyUnavailable(dependency: UnavailableDependency): void {
  counter.inc({ dependency });
}
