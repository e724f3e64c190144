/**
 * The rules of .dependency-cruiser.js (`npm run arch`) catch what they are meant to: for each rule, a
 * planted violation in a throw-away tree with the repository's layout is reported under that rule's name,
 * and a compliant twin is reported under none.
 *
 * dependency-cruiser 17 is ESM-only (its package exports an `import` condition only, and it uses
 * import.meta), which Jest's CommonJS module loader cannot load; so the spec runs its CLI, exactly as
 * `npm run arch` does, in the fixture directory (its base dir: the fixture's tsconfig.json gives the
 * `@uyoop/*` aliases), with the real rule set and JSON output. One cruise covers every case.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.js');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CRUISED = ['apps', 'libs', 'scripts', 'test-support', 'bench'];

type Files = Record<string, string>;

interface Case {
  rule: string;
  /** What is planted; each file must be reported under `rule` (and `alsoUnder`), and nothing else. */
  planted: Files;
  /** The compliant twin: no violation at all. */
  twin: Files;
  /** Other rules the same planted import breaks by nature (e.g. a direction that is also activity's). */
  alsoUnder?: string[];
  /** When given: the only targets the planted files may be reported for (the rest of their imports pass). */
  targets?: string[];
  /** The planted files make one violation together (a cycle), reported once, from one of them. */
  together?: boolean;
}

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

interface CruiseOutput {
  modules: { source: string; dependencies: { module: string; couldNotResolve: boolean }[] }[];
  summary: { violations: Violation[]; ruleSetUsed: { forbidden: { name: string }[] } };
}

/** The compliant scaffolding every case builds on: the contexts, their indexes and a few internals. */
const BASE: Files = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      module: 'node20',
      moduleResolution: 'node16',
      target: 'ES2022',
      strict: true,
      baseUrl: '.',
      paths: {
        '@uyoop/shared': ['libs/shared/src/index.ts'],
        '@uyoop/shared/nest': ['libs/shared/src/nest.ts'],
        '@uyoop/activity': ['libs/activity/src/index.ts'],
        '@uyoop/auth': ['libs/auth/src/index.ts'],
        '@uyoop/calendar': ['libs/calendar/src/index.ts'],
        '@uyoop/secrets': ['libs/secrets/src/index.ts'],
        '@uyoop/shared/testing': ['libs/shared/src/testing/index.ts'],
        '@uyoop/auth/testing': ['libs/auth/src/testing/index.ts'],
      },
    },
    include: ['apps/**/*.ts', 'libs/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'test-support/**/*.ts'],
  }),
  ...fakePackage('@nestjs/common'),
  ...fakePackage('@nestjs/core'),
  ...fakePackage('typeorm'),
  'libs/shared/src/index.ts': `export { clock } from './clock';\n`,
  'libs/shared/src/clock.ts': `export const clock = () => new Date();\n`,
  'libs/shared/src/nest.ts': `export { SharedModule } from './infrastructure/shared.module';\n`,
  'libs/shared/src/infrastructure/shared.module.ts': `import { Module } from '@nestjs/common';\nexport const SharedModule = Module;\n`,
  'libs/shared/src/testing/index.ts': `export const fixedClock = () => new Date(0);\n`,
  'libs/activity/src/index.ts': `export const activity = 'activity';\n`,
  'libs/auth/src/index.ts': `export { Authenticated } from './infrastructure/http/auth.decorators';\n`,
  'libs/auth/src/infrastructure/http/auth.decorators.ts': `export const Authenticated = () => undefined;\n`,
  'libs/auth/src/infrastructure/persistence/user.record.ts': `export class UserRecord {}\n`,
  'libs/auth/src/testing/index.ts': `export const fakeUsers = [];\n`,
  'libs/calendar/src/index.ts': `export const calendar = 'calendar';\n`,
  'libs/calendar/src/domain/event.ts': `export const event = 'event';\n`,
  'libs/calendar/src/domain/event-page.ts': `export const MAX_PAGE_SIZE = 100;\n`,
  'libs/calendar/src/application/create-event.ts': `import { event } from '../domain/event';\nexport const createEvent = () => event;\n`,
  'libs/calendar/src/infrastructure/git/persistence/git-action.record.ts': `export class GitActionRecord {}\n`,
  'libs/calendar/src/infrastructure/persistence/typeorm-event.repository.ts': `export class TypeOrmEventRepository {}\n`,
  'libs/secrets/src/index.ts': `export { VaultClient } from './infrastructure/vault/vault-client';\n`,
  'libs/secrets/src/infrastructure/vault/vault-client.ts': `export class VaultClient {}\n`,
  // A context the direction rules do not name: nobody may use it until the rules say who may.
  'libs/newcomer/src/index.ts': `export const newcomer = 'newcomer';\n`,
  'apps/api/src/config/env.ts': `export const env = {};\n`,
  'scripts/vault-init.ts': `export const HCL = '';\n`,
  'test-support/vault-emulator.ts': `export class VaultEmulator {}\n`,
};

function fakePackage(name: string): Files {
  return {
    [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: '1.0.0', main: 'index.js' }),
    [`node_modules/${name}/index.js`]: `exports.Module = function () {};\nexports.Injectable = function () {};\n`,
  };
}

/** One import line per target: `import * as m0 from '<target>';` (`type` makes it a type-only import). */
function importing(...targets: string[]): string {
  return targets.map((t, i) => `import * as m${i} from '${t}';\nexport const u${i} = m${i};\n`).join('');
}
function typeImporting(target: string): string {
  return `import type * as t from '${target}';\nexport type T = typeof t;\nexport const value = 1;\n`;
}

const CASES: Case[] = [
  // ---- Layers inside a context
  {
    rule: 'domain-is-plain-typescript',
    planted: {
      'libs/calendar/src/domain/planted-framework.ts': importing('@nestjs/common'),
      'libs/calendar/src/domain/planted-shared-nest.ts': importing('@uyoop/shared/nest'),
      'libs/calendar/src/domain/planted-outer-layer.ts': importing('../application/create-event'),
    },
    twin: {
      'libs/calendar/src/domain/twin-kernel.ts': importing('@uyoop/shared', './event', 'node:crypto'),
    },
  },
  {
    rule: 'application-depends-on-domain-and-ports-only',
    planted: {
      'libs/calendar/src/application/planted-other-context.ts': importing('@uyoop/auth'),
      'libs/calendar/src/application/planted-shared-nest.ts': importing('@uyoop/shared/nest'),
      'libs/calendar/src/application/planted-framework.ts': importing('typeorm'),
      'libs/calendar/src/application/planted-infrastructure.ts': importing(
        '../infrastructure/git/persistence/git-action.record',
      ),
    },
    twin: {
      'libs/calendar/src/application/twin-use-case.ts': importing(
        '@nestjs/common',
        '@uyoop/shared',
        '../domain/event',
        './create-event',
      ),
    },
  },
  {
    rule: 'shared-kernel-is-plain-typescript',
    planted: {
      'libs/shared/src/planted-reexports-nest.ts': importing('./nest'),
      'libs/shared/src/planted-framework.ts': importing('@nestjs/common'),
    },
    twin: {
      'libs/shared/src/twin-kernel.ts': importing('./clock', 'node:crypto'),
      'libs/shared/src/infrastructure/twin-adapter.ts': importing('@nestjs/core', '../clock'),
    },
  },
  {
    rule: 'http-does-not-use-persistence',
    planted: {
      'libs/calendar/src/infrastructure/git/http/planted-git.controller.ts': importing(
        '../persistence/git-action.record',
      ),
      'libs/calendar/src/infrastructure/http/planted-events.controller.ts': importing(
        '../git/persistence/git-action.record',
      ),
      'libs/auth/src/infrastructure/two-factor/http/planted-two-factor.controller.ts': importing(
        '../../persistence/user.record',
      ),
    },
    twin: {
      'libs/calendar/src/infrastructure/git/http/twin-git.controller.ts': importing(
        '@nestjs/common',
        '../../../application/create-event',
      ),
      'libs/calendar/src/infrastructure/git/persistence/twin-git.repository.ts':
        importing('./git-action.record'),
      'libs/calendar/src/infrastructure/twin-calendar.module.ts': importing(
        './git/http/twin-git.controller',
        './git/persistence/twin-git.repository',
      ),
    },
  },

  // ---- Between contexts
  {
    rule: 'contexts-meet-through-their-index',
    planted: {
      'libs/calendar/src/infrastructure/planted-deep-import.ts': importing(
        '../../../auth/src/infrastructure/http/auth.decorators',
      ),
      'libs/calendar/src/infrastructure/planted-shared-internals.ts': importing(
        '../../../shared/src/infrastructure/shared.module',
      ),
    },
    twin: {
      'libs/calendar/src/infrastructure/twin-indexes.ts': importing(
        '@uyoop/auth',
        '@uyoop/shared',
        '@uyoop/shared/nest',
        '../../../secrets/src/index',
      ),
      'libs/calendar/src/infrastructure/twin-indexes.spec.ts': importing(
        '@uyoop/auth/testing',
        '@uyoop/shared/testing',
      ),
    },
  },
  {
    rule: 'shared-uses-no-context',
    planted: { 'libs/shared/src/infrastructure/planted-context.ts': importing('@uyoop/auth') },
    twin: { 'libs/shared/src/infrastructure/twin-own.ts': importing('../clock', './shared.module') },
  },
  {
    rule: 'secrets-uses-shared-only',
    planted: { 'libs/secrets/src/infrastructure/planted-auth.ts': importing('@uyoop/auth') },
    twin: {
      'libs/secrets/src/infrastructure/twin-shared.ts': importing('@uyoop/shared', '@uyoop/shared/nest'),
    },
  },
  {
    rule: 'auth-uses-secrets-and-shared-only',
    planted: { 'libs/auth/src/infrastructure/planted-calendar.ts': importing('@uyoop/calendar') },
    twin: { 'libs/auth/src/infrastructure/twin-secrets.ts': importing('@uyoop/secrets', '@uyoop/shared') },
  },
  {
    rule: 'auth-uses-secrets-and-shared-only',
    alsoUnder: ['only-apps-use-activity'],
    planted: { 'libs/auth/src/infrastructure/planted-activity.ts': importing('@uyoop/activity') },
    twin: {},
  },
  {
    rule: 'calendar-uses-auth-secrets-and-shared-only',
    planted: {
      'libs/calendar/src/infrastructure/planted-newcomer.ts': importing('../../../newcomer/src/index'),
    },
    twin: {
      'libs/calendar/src/infrastructure/twin-direction.ts': importing(
        '@uyoop/auth',
        '@uyoop/secrets',
        '@uyoop/shared',
      ),
    },
  },
  {
    rule: 'calendar-uses-auth-secrets-and-shared-only',
    alsoUnder: ['only-apps-use-activity'],
    planted: { 'libs/calendar/src/infrastructure/planted-activity.ts': importing('@uyoop/activity') },
    twin: {},
  },
  {
    rule: 'activity-uses-auth-and-shared-only',
    planted: {
      'libs/activity/src/infrastructure/planted-calendar.ts': importing('@uyoop/calendar'),
      'libs/activity/src/infrastructure/planted-secrets.ts': importing('@uyoop/secrets'),
    },
    twin: { 'libs/activity/src/infrastructure/twin-auth.ts': importing('@uyoop/auth', '@uyoop/shared') },
  },
  {
    rule: 'only-apps-use-activity',
    planted: {
      'test-support/planted-activity.ts': importing('@uyoop/activity'),
      'scripts/planted-activity.ts': importing('../libs/activity/src/index'),
    },
    twin: { 'apps/api/src/twin-app.module.ts': importing('@uyoop/activity', '@uyoop/calendar') },
  },

  // ---- Apps, scripts, test support and benches
  {
    rule: 'apps-use-library-indexes',
    planted: {
      'apps/api/src/planted-deep-import.ts': importing(
        '../../../libs/auth/src/infrastructure/http/auth.decorators',
      ),
      'apps/api/src/planted-shared-internals.ts': importing(
        '../../../libs/shared/src/infrastructure/shared.module',
      ),
    },
    twin: {
      'apps/api/src/twin-indexes.ts': importing(
        '@uyoop/auth',
        '@uyoop/shared',
        '@uyoop/shared/nest',
        './config/env',
      ),
      'apps/api/test/twin-indexes.e2e-spec.ts': importing(
        '@uyoop/auth/testing',
        '../../../test-support/vault-emulator',
      ),
    },
  },
  {
    rule: 'tools-use-library-indexes',
    planted: {
      'scripts/planted-internal.ts': importing('../libs/secrets/src/infrastructure/vault/vault-client'),
      'test-support/planted-internal.ts': importing(
        '../libs/auth/src/infrastructure/persistence/user.record',
      ),
      'bench/planted/planted-internal.ts': importing('../../libs/shared/src/infrastructure/shared.module'),
    },
    twin: {
      'scripts/twin-index.ts': importing('../libs/secrets/src/index', '@uyoop/auth'),
      'test-support/twin-indexes.ts': importing(
        '@uyoop/auth/testing',
        '@uyoop/shared/nest',
        '../apps/api/src/config/env',
      ),
      'bench/twin/twin-indexes.ts': importing(
        '@uyoop/shared/nest',
        '@uyoop/calendar',
        '../../apps/api/src/config/env',
      ),
    },
  },
  {
    // The calendar range benchmark's exception covers its two calendar internals, and nothing else.
    rule: 'tools-use-library-indexes',
    targets: ['libs/calendar/src/application/create-event.ts'],
    planted: {
      'bench/calendar-range/bench-calendar-range.ts': importing(
        '../../libs/calendar/src/domain/event-page',
        '../../libs/calendar/src/infrastructure/persistence/typeorm-event.repository',
        '../../libs/calendar/src/application/create-event',
      ),
    },
    twin: {},
  },
  {
    rule: 'library-testing-helpers-stay-in-their-library',
    planted: {
      'libs/secrets/src/infrastructure/vault/testing/planted-vault-target.ts': importing(
        '../../../../../../test-support/vault-emulator',
      ),
      'libs/secrets/src/testing/planted-script.ts': importing('../../../../scripts/vault-init'),
    },
    twin: {
      'libs/auth/src/testing/twin-fake.ts': importing(
        '../infrastructure/persistence/user.record',
        '@uyoop/shared/testing',
      ),
    },
  },
  {
    rule: 'libraries-do-not-import-apps-or-tools',
    planted: {
      'libs/calendar/src/infrastructure/planted-app-config.ts': importing(
        '../../../../apps/api/src/config/env',
      ),
      'libs/secrets/src/infrastructure/planted-script.ts': importing('../../../../scripts/vault-init'),
    },
    twin: {
      'libs/secrets/src/infrastructure/twin-vault.int-spec.ts': importing(
        '../../../../scripts/vault-init',
        '../../../../test-support/vault-emulator',
      ),
    },
  },

  // ---- Everywhere
  {
    rule: 'no-test-code-in-production',
    planted: {
      'libs/auth/src/infrastructure/planted-fake.ts': importing('@uyoop/shared/testing'),
      'apps/api/src/planted-test-support.ts': importing('../../../test-support/vault-emulator'),
      'scripts/planted-test-support.ts': importing('../test-support/vault-emulator'),
    },
    twin: {
      'libs/auth/src/infrastructure/twin-fake.spec.ts': importing(
        '@uyoop/shared/testing',
        '../testing/index',
      ),
      'bench/twin/twin-emulator.ts': importing('../../test-support/vault-emulator'),
    },
  },
  {
    rule: 'no-circular',
    together: true,
    planted: {
      'libs/calendar/src/domain/planted-cycle-a.ts': importing('./planted-cycle-b'),
      'libs/calendar/src/domain/planted-cycle-b.ts': importing('./planted-cycle-a'),
    },
    twin: {
      'libs/calendar/src/domain/twin-cycle-a.ts': typeImporting('./twin-cycle-b'),
      'libs/calendar/src/domain/twin-cycle-b.ts': importing('./twin-cycle-a'),
    },
  },
];

let dir: string;
let output: CruiseOutput;

function write(files: Files): void {
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

function violationsFrom(path: string): Violation[] {
  return output.summary.violations.filter((v) => v.from === path);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'uyoop-arch-'));
  write(BASE);
  for (const c of CASES) {
    write(c.planted);
    write(c.twin);
  }
  const run = spawnSync(
    process.execPath,
    [DEPCRUISE, ...CRUISED, '--config', CONFIG, '--output-type', 'json', '--progress', 'none'],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.error) throw run.error;
  if (!run.stdout.startsWith('{')) throw new Error(`dependency-cruiser failed: ${run.stderr || run.stdout}`);
  output = JSON.parse(run.stdout) as CruiseOutput;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the fixture', () => {
  it('is cruised whole, every import resolved (a typo would make a twin pass for nothing)', () => {
    const sources = new Set(output.modules.map((m) => m.source));
    for (const c of CASES) {
      for (const path of [...Object.keys(c.planted), ...Object.keys(c.twin)]) expect(sources).toContain(path);
    }
    const unresolved = output.modules.flatMap((m) =>
      m.dependencies.filter((d) => d.couldNotResolve).map((d) => `${m.source} → ${d.module}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('has a planted violation for every rule of .dependency-cruiser.js, and names no other rule', () => {
    const planted = new Set(CASES.map((c) => c.rule));
    const rules = output.summary.ruleSetUsed.forbidden.map((r) => r.name);
    expect([...planted].sort()).toEqual([...new Set(rules)].sort());
  });

  it('reports nothing but the planted violations', () => {
    const plantedFiles = new Set(CASES.flatMap((c) => Object.keys(c.planted)));
    expect(output.summary.violations.filter((v) => !plantedFiles.has(v.from))).toEqual([]);
  });
});

describe.each(CASES.map((c) => [c.rule, c] as const))('%s', (_rule, c) => {
  if (c.together) {
    const paths = Object.keys(c.planted);
    it(`reports the planted ${paths.join(' ⇄ ')} under it, once`, () => {
      const found = paths.flatMap(violationsFrom);
      expect(found.map((v) => v.rule.name)).toEqual([c.rule]);
      expect(found[0]?.rule.severity).toBe('error');
    });
  } else {
    it.each(Object.keys(c.planted))('reports the planted %s under it', (path) => {
      const found = violationsFrom(path);
      expect([...new Set(found.map((v) => v.rule.name))].sort()).toEqual(
        [c.rule, ...(c.alsoUnder ?? [])].sort(),
      );
      expect(found.every((v) => v.rule.severity === 'error')).toBe(true);
      if (c.targets) expect([...new Set(found.map((v) => v.to))]).toEqual(c.targets);
    });
  }

  const twins = Object.keys(c.twin);
  if (twins.length > 0) {
    it.each(twins)('passes the compliant twin %s', (path) => {
      expect(violationsFrom(path)).toEqual([]);
    });
  }
});
