import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { uuidParam } from '@uyoop/shared/nest';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@uyoop/shared';
import { ListSessions } from '../../application/list-sessions.use-case';
import { RevokeAllSessions } from '../../application/revoke-all-sessions.use-case';
import { RevokeSession } from '../../application/revoke-session.use-case';
import { UnlockAccount } from '../../application/unlock-account.use-case';
import { Authenticated, CurrentActor, Roles } from './auth.decorators';

const uuid = uuidParam('id');

export class SessionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() created_at!: string;
  @ApiProperty() last_used_at!: string;
  @ApiProperty() expires_at!: string;
  @ApiProperty({ nullable: true, type: String }) device_label!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
}

/** Sessions of a user (RT-05, RT-06) and the ADMIN's lockout reset (RL-09). */
@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('users/:id')
export class SessionsController {
  constructor(
    private readonly listSessions: ListSessions,
    private readonly revokeSession: RevokeSession,
    private readonly revokeAllSessions: RevokeAllSessions,
    private readonly unlock: UnlockAccount,
  ) {}

  @Get('sessions')
  @Authenticated()
  @ApiOkResponse({ type: [SessionResponse] })
  async list(@Param('id', uuid) userId: string, @CurrentActor() actor: Actor): Promise<SessionResponse[]> {
    const sessions = await this.listSessions.execute(actor, userId);
    return sessions.map((s) => ({
      id: s.id,
      created_at: s.createdAt.toISOString(),
      last_used_at: s.lastUsedAt.toISOString(),
      expires_at: s.expiresAt.toISOString(),
      device_label: s.deviceLabel,
      ip: s.ip,
    }));
  }

  @Delete('sessions/:sessionId')
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeOne(
    @Param('id', uuid) userId: string,
    @Param('sessionId', uuid) sessionId: string,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    if (!(await this.revokeSession.execute(actor, userId, sessionId)))
      throw new NotFoundException('Session not found');
  }

  @Delete('sessions')
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeAll(@Param('id', uuid) userId: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.revokeAllSessions.execute(actor, userId);
  }

  @Post('unlock')
  @Roles('ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  async unlockAccount(@Param('id', uuid) userId: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.unlock.execute(actor, userId);
  }
}
