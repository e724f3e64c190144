/**
 * Layer rules of docs/architecture.md, checked on every test run (`npm run arch`).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-plain-typescript',
      comment: 'The domain imports nothing from Nest, TypeORM, other libraries, or outer layers.',
      severity: 'error',
      from: { path: '^libs/[^/]+/src/domain/', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: [
          '^libs/[^/]+/src/domain/',
          '^libs/shared/src/(domain-error|clock|ids|audit|actor|role|time|unit-of-work|index)\\.ts$',
        ],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'application-depends-on-domain-and-ports-only',
      comment:
        'Use cases import their domain, their own ports, the shared kernel and @nestjs/common (for @Injectable) only.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/application/', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: [
          '^libs/$1/src/(domain|application)/',
          '^libs/shared/src/(domain-error|clock|ids|audit|actor|role|time|unit-of-work|index)\\.ts$',
          '^node_modules/@nestjs/common/',
        ],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'contexts-meet-through-their-index',
      comment: 'A context reaches another only through its src/index.ts (or its testing/ index, from tests).',
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/' },
      to: {
        path: '^libs/([^/]+)/src/',
        pathNot: [
          '^libs/$1/src/',
          '^libs/[^/]+/src/(index|nest)\\.ts$',
          '^libs/[^/]+/src/testing/index\\.ts$',
        ],
      },
    },
    {
      name: 'apps-use-library-indexes',
      comment: 'The API composes contexts through their public index only.',
      severity: 'error',
      from: { path: '^apps/' },
      to: {
        path: '^libs/[^/]+/src/',
        pathNot: ['^libs/[^/]+/src/(index|nest)\\.ts$', '^libs/[^/]+/src/testing/index\\.ts$'],
      },
    },
    {
      name: 'no-test-code-in-production',
      comment: 'Fakes, emulators and test support are for tests only.',
      severity: 'error',
      from: { pathNot: ['\\.(spec|int-spec|e2e-spec)\\.ts$', '^test-support/', '/testing/', '^bench/'] },
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
