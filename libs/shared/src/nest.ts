// The Nest- and TypeORM-facing side of the shared kernel, for infrastructure code and the app only.
export { SharedModule } from './infrastructure/shared.module';
export { requestContext, currentRequestFacts, outsideRequest } from './infrastructure/http/request-context';
export { sql } from './infrastructure/sql';
export type { SqlResult } from './infrastructure/sql';
export {
  countDependencyUnavailable,
  type UnavailableDependency,
} from './infrastructure/metrics/dependency-unavailable';
export { TypeOrmUnitOfWork } from './infrastructure/persistence/typeorm-unit-of-work';
export { uuidParam } from './infrastructure/http/uuid-param';
export { Idempotent, IDEMPOTENT_KEY } from './infrastructure/http/idempotent';
export {
  inheritMultilineText,
  MultilineText,
  NoInvisibleCharacters,
  textProblem,
  textProblems,
} from './infrastructure/http/text-input';
