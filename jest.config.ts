import type { Config } from 'jest';
import { availableParallelism } from 'node:os';

// One transform for every tier: swc compiles our TypeScript (decorator metadata included) and the
// ESM-only packages of the Nest 12 line to CommonJS. Node 20 has require(esm), but Jest's own module
// loader only gets it from Node 24.9 on, hence the transformIgnorePatterns exception.
const swc: [string, Record<string, unknown>] = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const esmPackages = [
  '@nestjs',
  'file-type',
  'load-esm',
  'uid',
  'token-types',
  'strtok3',
  '@tokenizer',
  'otplib',
  '@otplib',
  '@scure',
  '@noble',
];

const moduleNameMapper = {
  '^@uyoop/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing/index.ts',
  '^@uyoop/shared/nest$': '<rootDir>/libs/shared/src/nest.ts',
  '^@uyoop/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/data/'],
};

const config: Config = {
  testTimeout: 30_000,
  // Jest's default is one worker per core but one: a single worker on the 2-core CI machine. The suites
  // mostly wait (PostgreSQL, argon2's thread pool, git and server processes, the browser), so two
  // workers overlap the waiting: the whole suite took 121–125 s instead of 184–200 s there (2026-12-08,
  // three runs each, every test passing).
  maxWorkers: Math.max(2, availableParallelism() - 1),
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,scripts,test-support}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test-support/global-setup.ts',
      globalTeardown: '<rootDir>/test-support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test-support/global-setup.ts',
      globalTeardown: '<rootDir>/test-support/global-teardown.ts',
    },
  ],
};

export default config;
