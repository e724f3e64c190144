import { parseGoBool, unixSeconds } from './go-format';
import { encodeGo, ordered, type Json } from './json-wire';
import { VAULT_VERSION } from './types';

/** Server states sys/health reports on. */
export interface HealthState {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  performanceStandby: boolean;
  drSecondary: boolean;
  haUnhealthy: boolean;
  removedFromCluster: boolean;
}

export interface HealthAnswer {
  status: number;
  /** Undefined for HEAD. */
  body?: string;
}

const CODE_PARAMS = {
  activecode: 200,
  standbycode: 429,
  drsecondarycode: 472,
  performancestandbycode: 473,
  haunhealthycode: 474,
  sealedcode: 503,
  uninitcode: 501,
  removedcode: 530,
} as const;

type CodeParam = keyof typeof CODE_PARAMS;

/** GET/HEAD /v1/sys/health: unauthenticated, no envelope, answers while sealed. */
export function sysHealth(
  head: boolean,
  query: URLSearchParams,
  s: HealthState,
  now: number,
  cluster: { name: string; id: string },
): HealthAnswer {
  const codes = { ...CODE_PARAMS } as Record<CodeParam, number>;
  for (const name of Object.keys(CODE_PARAMS) as CodeParam[]) {
    const value = query.get(name);
    if (value === null) continue;
    if (!/^[+-]?\d+$/.test(value)) return { status: 400, body: head ? undefined : '{"errors":[]}\n' };
    codes[name] = Number.parseInt(value, 10);
  }
  const flag = (name: string): boolean | null => {
    const value = query.get(name);
    if (value === null || value === '') return false;
    return parseGoBool(value);
  };
  const standbyOk = flag('standbyok');
  const perfStandbyOk = flag('perfstandbyok');
  if (standbyOk === null || perfStandbyOk === null) {
    return { status: 400, body: head ? undefined : '{"errors":[]}\n' };
  }

  let status: number;
  if (!s.initialized) status = codes.uninitcode;
  else if (s.removedFromCluster) status = codes.removedcode;
  else if (s.sealed) status = codes.sealedcode;
  else if (s.haUnhealthy) status = codes.haunhealthycode;
  else if (s.drSecondary) status = codes.drsecondarycode;
  else if (s.performanceStandby) status = perfStandbyOk ? codes.activecode : codes.performancestandbycode;
  else if (s.standby) status = standbyOk ? codes.activecode : codes.standbycode;
  else status = codes.activecode;
  if (head) return { status };

  const active = s.initialized && !s.sealed;
  const entries: Array<readonly [string, Json]> = [
    ['initialized', s.initialized],
    ['sealed', s.sealed || !s.initialized],
    ['standby', !active || s.standby || s.performanceStandby],
    ['performance_standby', s.performanceStandby],
    ['replication_performance_mode', 'disabled'],
    ['replication_dr_mode', s.drSecondary ? 'secondary' : 'disabled'],
    ['server_time_utc', unixSeconds(now)],
    ['version', VAULT_VERSION],
    ['enterprise', false],
  ];
  if (active) entries.push(['cluster_name', cluster.name], ['cluster_id', cluster.id]);
  entries.push(['echo_duration_ms', 0], ['clock_skew_ms', 0], ['replication_primary_canary_age_ms', 0]);
  if (s.removedFromCluster) entries.push(['removed_from_cluster', true]);
  if (s.haUnhealthy) entries.push(['ha_connection_healthy', false]);
  return { status, body: `${encodeGo(ordered(...entries))}\n` };
}
