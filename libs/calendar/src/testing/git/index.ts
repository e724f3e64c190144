export { InMemoryGitRunRepository } from './in-memory-git-run.repository';
export { FakeGitExecutor, FakeGitCredentials } from './fake-git-executor';
export type { RecordedExecution } from './fake-git-executor';
export { aGitAction, GIT_TEST_HOST, GIT_TEST_REPO } from './git-fixtures';
