import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentActor, Roles, SecondFactorRequired } from '@uyoop/auth';
import type { Actor } from '@uyoop/shared';
import { uuidParam } from '@uyoop/shared/nest';
import { IsUUID } from 'class-validator';
import { GetGitRun } from '../../../application/git/get-git-run.use-case';
import { ListGitRuns } from '../../../application/git/list-git-runs.use-case';
import { RequestGitRun } from '../../../application/git/request-git-run.use-case';
import { GIT_RUN_STATUSES, type GitRun } from '../../../domain/git/git-run';
import { GIT_ACTIONS } from '../../../domain/event-rules';
import { GitRunWorker } from '../git-run.worker';
import { FreezeOverrideRequest } from '../../http/events.requests';

class RunGitActionRequest extends FreezeOverrideRequest {
  @ApiProperty({ format: 'uuid', description: 'a git_action event' })
  @IsUUID('all', { message: 'event_id must be a UUID' })
  event_id!: string;
}

class RunsQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'event_id must be a UUID' })
  event_id!: string;
}

class QueuedRunResponse {
  @ApiProperty({ format: 'uuid' }) run_id!: string;
  @ApiProperty({ enum: GIT_RUN_STATUSES }) status!: string;
}

class GitRunResponse {
  @ApiProperty({ format: 'uuid' }) run_id!: string;
  @ApiProperty({ format: 'uuid' }) event_id!: string;
  @ApiProperty({ enum: GIT_ACTIONS }) action!: string;
  @ApiProperty({ enum: GIT_RUN_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: Number }) exit_code!: number | null;
  @ApiProperty({ description: 'git output, credentials masked, at most the last 64 KB' }) output!: string;
  @ApiProperty({ nullable: true, type: String }) started_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) finished_at!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'null for an automatic run' })
  triggered_by!: string | null;

  static from(run: GitRun): GitRunResponse {
    return {
      run_id: run.id,
      event_id: run.eventId,
      action: run.action,
      status: run.status,
      exit_code: run.exitCode,
      output: run.output,
      started_at: run.startedAt?.toISOString() ?? null,
      finished_at: run.finishedAt?.toISOString() ?? null,
      triggered_by: run.triggeredBy,
    };
  }
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/** Git actions (contract): ADMIN runs any git action, DEV those they created; runs are queued. */
@ApiTags('git actions')
@ApiBearerAuth('bearer')
@Controller('git_action')
export class GitActionsController {
  constructor(
    private readonly requestRun: RequestGitRun,
    private readonly getRun: GetGitRun,
    private readonly listRuns: ListGitRuns,
    private readonly worker: GitRunWorker,
  ) {}

  @Post()
  @Roles('ADMIN', 'DEV')
  @SecondFactorRequired()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      '8–128 letters, digits, _ or -: a retry with the same key returns the same run (GIT-06); the key sent for another git action is a 422',
  })
  @ApiUnprocessableEntityResponse({
    description: 'This Idempotency-Key already started a run of another git action',
  })
  @ApiAcceptedResponse({ type: QueuedRunResponse })
  async run(
    @Body() body: RunGitActionRequest,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<QueuedRunResponse> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey))
      throw new BadRequestException('Idempotency-Key must be 8 to 128 letters, digits, _ or -');
    const run = await this.requestRun.execute(actor, body.event_id, {
      idempotencyKey,
      overrideReason: body.override_reason,
    });
    this.worker.wake();
    return { run_id: run.id, status: run.status };
  }

  @Get('runs')
  @Roles('ADMIN', 'DEV')
  @ApiOkResponse({ type: [GitRunResponse], description: 'the runs of an event, newest first' })
  async runs(@Query() q: RunsQuery, @CurrentActor() actor: Actor): Promise<GitRunResponse[]> {
    return (await this.listRuns.execute(actor, q.event_id)).map((r) => GitRunResponse.from(r));
  }

  @Get('runs/:runId')
  @Roles('ADMIN', 'DEV')
  @ApiOkResponse({ type: GitRunResponse })
  async one(
    @Param('runId', uuidParam('runId')) runId: string,
    @CurrentActor() actor: Actor,
  ): Promise<GitRunResponse> {
    return GitRunResponse.from(await this.getRun.execute(actor, runId));
  }
}
