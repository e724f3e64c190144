/**
 * Layer and context rules of docs/architecture.md, checked on every test run (`npm run arch`).
 * Each rule has a planted violation and a compliant twin in test-support/arch/dependency-rules.spec.ts.
 *
 * Paths are relative to the repository root. The shared kernel is the plain TypeScript at the top of
 * libs/shared/src (`@uyoop/shared`); its Nest- and TypeORM-facing side is libs/shared/src/nest.ts
 * (`@uyoop/shared/nest`) over libs/shared/src/infrastructure/.
 * @type {import('dependency-cruiser').IConfiguration}
 */

const TESTS = '\\.(spec|int-spec|e2e-spec)\\.ts$';
/** The kernel's plain-TS files: libs/shared/src/*.ts except nest.ts (the Nest-facing entry). */
const KERNEL = '^libs/shared/src/(?!nest\\.ts$)[^/]+\\.ts$';
/** The public entries of a library: its index, its test index, and the shared kernel's Nest entry. */
const LIBRARY_ENTRIES = [
  '^libs/[^/]+/src/index\\.ts$',
  '^libs/[^/]+/src/testing/index\\.ts$',
  '^libs/shared/src/nest\\.ts$',
];
/** Benchmarks the repository adapter itself, see the second tools-use-library-indexes entry. */
const CALENDAR_RANGE_BENCH = '^bench/calendar-range/bench-calendar-range\\.ts$';

/**
 * Which contexts each context may import (besides itself): [context, may use, rule name, why].
 * Each row is an allow-list, so a context not named cannot be used either.
 */
const CONTEXT_DIRECTIONS = [
  [
    'shared',
    [],
    'shared-uses-no-context',
    'The shared kernel is below every context: it imports none of them.',
  ],
  [
    'secrets',
    ['shared'],
    'secrets-uses-shared-only',
    'Direction calendar → auth → secrets → shared: secrets uses the shared kernel only.',
  ],
  [
    'auth',
    ['secrets', 'shared'],
    'auth-uses-secrets-and-shared-only',
    'Direction calendar → auth → secrets → shared: auth (identity) uses secrets and shared only, never ' +
      'calendar or activity (it records through the AuditLog port of the kernel).',
  ],
  [
    'calendar',
    ['auth', 'secrets', 'shared'],
    'calendar-uses-auth-secrets-and-shared-only',
    'Direction calendar → auth → secrets → shared: calendar uses auth, secrets and shared only (activity ' +
      'through the AuditLog port of the kernel).',
  ],
  [
    'activity',
    ['auth', 'shared'],
    'activity-uses-auth-and-shared-only',
    'Activity (audit trail, notices) uses auth (for its route decorators) and shared only.',
  ],
];

module.exports = {
  forbidden: [
    // ---- Layers inside a context --------------------------------------------------------------------
    {
      name: 'domain-is-plain-typescript',
      comment:
        'A domain imports its own domain and the shared kernel (libs/shared/src/*.ts, i.e. @uyoop/shared) only: ' +
        'no Nest, TypeORM or other package, no @uyoop/shared/nest or shared infrastructure, no outer layer, ' +
        'no other context.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/domain/', pathNot: TESTS },
      to: {
        pathNot: ['^libs/$1/src/domain/', KERNEL],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'application-depends-on-domain-and-ports-only',
      comment:
        'Use cases import their own domain and application (ports), the shared kernel (@uyoop/shared, never ' +
        '@uyoop/shared/nest or shared infrastructure) and @nestjs/common (for @Injectable) only; not ' +
        'infrastructure, not another context, not even through its index (go through a port instead).',
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/application/', pathNot: TESTS },
      to: {
        pathNot: ['^libs/$1/src/(domain|application)/', KERNEL, '^node_modules/@nestjs/common/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'shared-kernel-is-plain-typescript',
      comment:
        'The kernel files (libs/shared/src/*.ts but nest.ts, exported by @uyoop/shared) import one another ' +
        'only, so that a domain or use case never reaches framework code through the shared index; Nest- ' +
        'and TypeORM-facing code goes in libs/shared/src/infrastructure/, exported by @uyoop/shared/nest.',
      severity: 'error',
      from: { path: KERNEL, pathNot: TESTS },
      to: { pathNot: KERNEL, dependencyTypesNot: ['core'] },
    },
    {
      name: 'http-does-not-use-persistence',
      comment:
        'Controllers and other HTTP adapters (infrastructure/**/http/) reach data through use cases and ports, ' +
        'never through persistence code (infrastructure/**/persistence/: records, repositories), at any depth.',
      severity: 'error',
      from: { path: '^libs/[^/]+/src/infrastructure/(http/|.*/http/)' },
      to: { path: '^libs/[^/]+/src/infrastructure/(persistence/|.*/persistence/)' },
    },

    // ---- Between contexts ---------------------------------------------------------------------------
    {
      name: 'contexts-meet-through-their-index',
      comment:
        'A library reaches another only through its src/index.ts, its src/testing/index.ts (from tests) or ' +
        "the shared kernel's src/nest.ts (`@uyoop/shared/nest`, for infrastructure), never into its files.",
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/src/', ...LIBRARY_ENTRIES] },
    },
    // One way: calendar → auth → secrets → shared; activity → auth (route decorators) → shared.
    ...CONTEXT_DIRECTIONS.map(([context, mayUse, name, comment]) => ({
      name,
      comment,
      severity: 'error',
      from: { path: `^libs/${context}/` },
      to: { path: '^libs/', pathNot: `^libs/(${[context, ...mayUse].join('|')})/` },
    })),
    {
      name: 'only-apps-use-activity',
      comment:
        'Activity is used by every context through the AuditLog port of the kernel; only the composition ' +
        '(apps/) imports @uyoop/activity itself.',
      severity: 'error',
      from: { pathNot: '^(apps|libs/activity)/' },
      to: { path: '^libs/activity/' },
    },

    // ---- Apps, scripts, test support and benches ----------------------------------------------------
    {
      name: 'apps-use-library-indexes',
      comment:
        'The apps compose libraries through their src/index.ts (src/testing/index.ts from tests) and ' +
        '@uyoop/shared/nest only.',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: '^libs/', pathNot: LIBRARY_ENTRIES },
    },
    {
      name: 'tools-use-library-indexes',
      comment:
        'scripts/, test-support/ and bench/ reach libraries through their src/index.ts, src/testing/index.ts ' +
        'or libs/shared/src/nest.ts only (by alias or by relative path, e.g. ../libs/secrets/src/index).',
      severity: 'error',
      from: { path: '^(scripts|test-support|bench)/', pathNot: CALENDAR_RANGE_BENCH },
      to: { path: '^libs/', pathNot: LIBRARY_ENTRIES },
    },
    {
      name: 'tools-use-library-indexes',
      comment:
        'The same rule for the calendar range benchmark, which times the TypeORM event repository itself: ' +
        'it may also import the two calendar internals that @uyoop/calendar does not export (yet), ' +
        'MAX_PAGE_SIZE and TypeOrmEventRepository; nothing else.',
      severity: 'error',
      from: { path: CALENDAR_RANGE_BENCH },
      to: {
        path: '^libs/',
        pathNot: [
          ...LIBRARY_ENTRIES,
          '^libs/calendar/src/domain/event-page\\.ts$',
          '^libs/calendar/src/infrastructure/persistence/typeorm-event\\.repository\\.ts$',
        ],
      },
    },
    {
      name: 'library-testing-helpers-stay-in-their-library',
      comment:
        'A testing/ helper inside a library (fakes, in-memory adapters) imports neither scripts/ nor ' +
        'test-support/ (nor apps/ or bench/): what needs those belongs in test-support/.',
      severity: 'error',
      from: { path: '^libs/[^/]+/src/(testing/|.*/testing/)' },
      to: { path: '^(apps|bench|scripts|test-support)/' },
    },
    {
      name: 'libraries-do-not-import-apps-or-tools',
      comment:
        'Library code depends on libraries only, never on apps/, scripts/ or bench/ (tests may use scripts).',
      severity: 'error',
      from: { path: '^libs/', pathNot: [TESTS, '/testing/'] },
      to: { path: '^(apps|bench|scripts)/' },
    },

    // ---- Everywhere ---------------------------------------------------------------------------------
    {
      name: 'no-test-code-in-production',
      comment:
        'Fakes, emulators and test support (testing/, test-support/) are for tests, benches and each other only.',
      severity: 'error',
      from: { pathNot: [TESTS, '^test-support/', '/testing/', '^bench/'] },
      to: { path: ['/testing/', '^test-support/'] },
    },
    {
      name: 'no-circular',
      comment: 'Runtime import cycles; cycles made only of type imports are harmless.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
    combinedDependencies: false,
  },
};
