import { type DynamicModule, Module } from '@nestjs/common';
import { SecretStore } from '@uyoop/secrets';
import { CalendarFeed } from '../application/calendar-feed.use-case';
import { ChangeEvent } from '../application/change-event.use-case';
import { ExecuteGitRuns } from '../application/git/execute-git-runs.use-case';
import { FreezeGuard } from '../application/freeze-guard';
import { GitSettings } from '../application/git/git-settings';
import { ListEvents } from '../application/list-events.use-case';
import { ManageFreezes } from '../application/manage-freezes.use-case';
import { EventRepository } from '../application/ports/event-repository.port';
import { FeedTokenRepository } from '../application/ports/feed-token-repository.port';
import { FreezeRepository } from '../application/ports/freeze-repository.port';
import { GitCredentials, GitExecutor } from '../application/git/ports/git-executor.port';
import { GitRunRepository } from '../application/git/ports/git-run-repository.port';
import { RunGitAction } from '../application/git/run-git-action.use-case';
import { ScheduleEvent } from '../application/schedule-event.use-case';
import { GitRunWorker, GitWorkerOptions } from './git/git-run.worker';
import { SecretStoreGitCredentials } from './git/secret-store-git.credentials';
import { type GitMirror, SpawnGitExecutor } from './git/spawn-git.executor';
import { EventsController } from './http/events.controller';
import { FeedController } from './http/feed.controller';
import { FreezesController } from './http/freezes.controller';
import { GitActionsController } from './git/http/git-actions.controller';
import { TypeOrmEventRepository } from './persistence/typeorm-event.repository';
import { TypeOrmFeedTokenRepository } from './persistence/typeorm-feed-token.repository';
import { TypeOrmFreezeRepository } from './persistence/typeorm-freeze.repository';
import { TypeOrmGitRunRepository } from './git/persistence/typeorm-git-run.repository';

export interface CalendarModuleOptions {
  git: {
    allowedHosts: readonly string[];
    mirrors: readonly GitMirror[];
    timeoutMs: number;
    concurrency: number;
    worker: boolean;
    pollMs: number;
    workspaceRoot: string;
    /** Vault KV v2 prefix of repository credentials (`<prefix>/<host>`). */
    credentialsPrefix: string;
  };
}

/** Events, approvals, freezes, the iCalendar feed and git actions. */
@Module({})
export class CalendarModule {
  static register(options: CalendarModuleOptions): DynamicModule {
    const { git } = options;
    return {
      module: CalendarModule,
      controllers: [EventsController, FreezesController, FeedController, GitActionsController],
      providers: [
        ScheduleEvent,
        ListEvents,
        ChangeEvent,
        ManageFreezes,
        CalendarFeed,
        FreezeGuard,
        RunGitAction,
        ExecuteGitRuns,
        GitRunWorker,
        { provide: GitSettings, useValue: new GitSettings(git.allowedHosts, git.timeoutMs, git.concurrency) },
        { provide: GitWorkerOptions, useValue: new GitWorkerOptions(git.worker, git.pollMs) },
        {
          provide: GitExecutor,
          useValue: new SpawnGitExecutor({ workspaceRoot: git.workspaceRoot, mirrors: git.mirrors }),
        },
        {
          provide: GitCredentials,
          inject: [SecretStore],
          useFactory: (store: SecretStore) => new SecretStoreGitCredentials(store, git.credentialsPrefix),
        },
        { provide: EventRepository, useClass: TypeOrmEventRepository },
        { provide: FreezeRepository, useClass: TypeOrmFreezeRepository },
        { provide: FeedTokenRepository, useClass: TypeOrmFeedTokenRepository },
        { provide: GitRunRepository, useClass: TypeOrmGitRunRepository },
      ],
    };
  }
}
