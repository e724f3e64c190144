import { type DynamicModule, Module } from '@nestjs/common';
import { UsersCoreModule } from '@uyoop/auth';
import { SecretStore } from '@uyoop/secrets';
import { ApproveEvent } from '../application/approve-event.use-case';
import { CreateFreeze } from '../application/create-freeze.use-case';
import { DeleteEvent } from '../application/delete-event.use-case';
import { DeleteFreeze } from '../application/delete-freeze.use-case';
import { GetEvent } from '../application/get-event.use-case';
import { IssueFeedToken } from '../application/issue-feed-token.use-case';
import { GitRunExecution } from '../application/git/git-run-execution.service';
import { FreezeGuard } from '../application/freeze-guard';
import { GitSettings } from '../application/git/git-settings';
import { ListConflicts } from '../application/list-conflicts.use-case';
import { ListEvents } from '../application/list-events.use-case';
import { ListFreezes } from '../application/list-freezes.use-case';
import { EventRepository } from '../application/ports/event-repository.port';
import { FeedTokenRepository } from '../application/ports/feed-token-repository.port';
import { FreezeRepository } from '../application/ports/freeze-repository.port';
import { GitCredentials, GitExecutor } from '../application/git/ports/git-executor.port';
import { GitRunRepository } from '../application/git/ports/git-run-repository.port';
import { Accounts } from '../application/ports/accounts.port';
import { GetGitRun } from '../application/git/get-git-run.use-case';
import { ListGitRuns } from '../application/git/list-git-runs.use-case';
import { RequestGitRun } from '../application/git/request-git-run.use-case';
import { RejectEvent } from '../application/reject-event.use-case';
import { RenderCalendarFeed } from '../application/render-calendar-feed.use-case';
import { RevokeFeedToken } from '../application/revoke-feed-token.use-case';
import { ScheduleEvent } from '../application/schedule-event.use-case';
import { UpdateEvent } from '../application/update-event.use-case';
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
import { IdentityAccounts } from './identity-accounts';

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
      // AccountStanding: whether the creator of an automatic git run still may run it (GIT-07).
      imports: [UsersCoreModule],
      controllers: [EventsController, FreezesController, FeedController, GitActionsController],
      providers: [
        ScheduleEvent,
        ListEvents,
        ListConflicts,
        GetEvent,
        UpdateEvent,
        DeleteEvent,
        ApproveEvent,
        RejectEvent,
        ListFreezes,
        CreateFreeze,
        DeleteFreeze,
        IssueFeedToken,
        RevokeFeedToken,
        RenderCalendarFeed,
        FreezeGuard,
        RequestGitRun,
        GetGitRun,
        ListGitRuns,
        GitRunExecution,
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
        { provide: Accounts, useClass: IdentityAccounts },
      ],
    };
  }
}
