import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { uuidParam } from '@uyoop/shared';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import {
  AllowedBeforeEnrolment,
  Authenticated,
  AuthRateLimit,
  CurrentUser,
  RecentAuthentication,
  Roles,
  type User,
} from '@uyoop/auth';
import type { Request } from 'express';
import { DisableTwoFactor } from '../../application/disable-two-factor.use-case';
import { EnableTwoFactor } from '../../application/enable-two-factor.use-case';
import { RegenerateBackupCodes } from '../../application/regenerate-backup-codes.use-case';
import { ResetTwoFactor } from '../../application/reset-two-factor.use-case';
import { SetupTwoFactor } from '../../application/setup-two-factor.use-case';
import type { TwoFactorActor } from '../../application/two-factor-actor';
import { TwoFactorStatus } from '../../application/two-factor-status.use-case';
import { CodeRequest, SetupQuery } from './two-factor.requests';

const uuid = uuidParam('user_id');

class SetupResponse {
  @ApiProperty({ example: 'data:image/png;base64,iVBORw0…' }) qr_code!: string;
  @ApiProperty({
    example: 'otpauth://totp/uyoop-cal:alice?algorithm=SHA1&digits=6&issuer=uyoop-cal&period=30&secret=…',
  })
  otpauth_url!: string;
}
class EnableResponse {
  @ApiProperty({ enum: [true] }) enabled!: true;
  @ApiProperty({ type: [String], description: 'Shown once' }) backup_codes!: string[];
}
class DisableResponse {
  @ApiProperty({ enum: [false] }) enabled!: false;
}
class StatusResponse {
  @ApiProperty() enabled!: boolean;
  @ApiProperty() backup_codes_remaining!: number;
}
class BackupCodesResponse {
  @ApiProperty({ type: [String], description: 'Shown once; the previous codes no longer work' })
  backup_codes!: string[];
}

function actorOf(user: User, req: Request): TwoFactorActor {
  const sessionId = (req as Request & { sessionId?: string }).sessionId ?? null;
  return { id: user.id, username: user.username, role: user.role, ip: req.ip ?? null, sessionId };
}

/** The seed's `user_id` fields are tolerated only when they name the caller (contract). */
function ownIdOnly(user: User, claimed: string | undefined): void {
  if (claimed !== undefined && claimed !== user.id)
    throw new ForbiddenException('user_id must be your own id');
}

@ApiTags('two-factor')
@ApiBearerAuth('bearer')
@Controller()
export class TwoFactorController {
  constructor(
    private readonly setup: SetupTwoFactor,
    private readonly enable: EnableTwoFactor,
    private readonly disable: DisableTwoFactor,
    private readonly status: TwoFactorStatus,
    private readonly regenerate: RegenerateBackupCodes,
    private readonly reset: ResetTwoFactor,
  ) {}

  @Post('2fa/setup')
  @RecentAuthentication()
  @AllowedBeforeEnrolment()
  @Authenticated()
  @AuthRateLimit('second-factor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: SetupResponse })
  async start(
    @CurrentUser() user: User,
    @Query() query: SetupQuery,
    @Req() req: Request,
  ): Promise<SetupResponse> {
    ownIdOnly(user, query.user_id);
    const key = await this.setup.execute(actorOf(user, req));
    return { qr_code: key.qrCode, otpauth_url: key.otpauthUrl };
  }

  @Post('2fa/enable')
  @AllowedBeforeEnrolment()
  @Authenticated()
  @AuthRateLimit('second-factor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: EnableResponse })
  async turnOn(
    @CurrentUser() user: User,
    @Body() body: CodeRequest,
    @Req() req: Request,
  ): Promise<EnableResponse> {
    ownIdOnly(user, body.user_id);
    return { enabled: true, backup_codes: await this.enable.execute(actorOf(user, req), body.code) };
  }

  @Delete('2fa/disable')
  @RecentAuthentication()
  @Authenticated()
  @AuthRateLimit('second-factor')
  @ApiOkResponse({ type: DisableResponse })
  async turnOff(
    @CurrentUser() user: User,
    @Body() body: CodeRequest,
    @Req() req: Request,
  ): Promise<DisableResponse> {
    ownIdOnly(user, body.user_id);
    await this.disable.execute(actorOf(user, req), body.code);
    return { enabled: false };
  }

  @Get('2fa/status')
  @AllowedBeforeEnrolment()
  @Authenticated()
  @ApiOkResponse({ type: StatusResponse })
  async mine(@CurrentUser() user: User, @Req() req: Request): Promise<StatusResponse> {
    const s = await this.status.execute(actorOf(user, req));
    return { enabled: s.enabled, backup_codes_remaining: s.backupCodesRemaining };
  }

  @Get('2fa/status/:user_id')
  @Authenticated()
  @ApiOkResponse({ type: StatusResponse })
  async of(
    @CurrentUser() user: User,
    @Param('user_id', uuid) userId: string,
    @Req() req: Request,
  ): Promise<StatusResponse> {
    const s = await this.status.execute(actorOf(user, req), userId);
    return { enabled: s.enabled, backup_codes_remaining: s.backupCodesRemaining };
  }

  @Post('2fa/backup-codes')
  @RecentAuthentication()
  @Authenticated()
  @AuthRateLimit('second-factor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: BackupCodesResponse })
  async renew(
    @CurrentUser() user: User,
    @Body() body: CodeRequest,
    @Req() req: Request,
  ): Promise<BackupCodesResponse> {
    ownIdOnly(user, body.user_id);
    return { backup_codes: await this.regenerate.execute(actorOf(user, req), body.code) };
  }

  @Delete('users/:user_id/2fa')
  @RecentAuthentication()
  @Roles('ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description: "the user's key, backup codes and sessions are gone; audited, the user notified",
  })
  @ApiNotFoundResponse({ description: 'This user has no two-factor authentication to reset' })
  async resetFor(
    @CurrentUser() user: User,
    @Param('user_id', uuid) userId: string,
    @Req() req: Request,
  ): Promise<void> {
    await this.reset.execute(actorOf(user, req), userId);
  }
}
