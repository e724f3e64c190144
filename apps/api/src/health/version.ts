import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVICE_NAME = 'uyoop-cal-api';

function findVersion(): string {
  for (const up of ['..', '../..', '../../..', '../../../..', '../../../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'uyoop-cal' && pkg.version) return pkg.version;
    } catch {
      // keep looking upwards
    }
  }
  return '0.0.0';
}

/** The product's semver, from the root package.json (source tree and build output alike). */
export const APP_VERSION = findVersion();
