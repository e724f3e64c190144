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
} from '@nestjs/common';
import { uuidParam } from '@uyoop/shared/nest';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import type { Actor } from '@uyoop/shared';
import {
  AllowedBeforeEnrolment,
  Authenticated,
  AuthRateLimit,
  CurrentActor,
  RecentAuthentication,
  Roles,
} from '../../http/auth.decorators';
import { DisableTwoFactor } from '../../../application/two-factor/disable-two-factor.use-case';
import { EnableTwoFactor } from '../../../application/two-factor/enable-two-factor.use-case';
import { RegenerateBackupCodes } from '../../../application/two-factor/regenerate-backup-codes.use-case';
import { ResetTwoFactor } from '../../../application/two-factor/reset-two-factor.use-case';
import { SetupTwoFactor } from '../../../application/two-factor/setup-two-factor.use-case';
import { TwoFactorStatus } from '../../../application/two-factor/two-factor-status.use-case';
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

/** The seed's `user_id` fields are tolerated only when they name the caller (contract). */
function ownIdOnly(actor: Actor, claimed: string | undefined): void {
  if (claimed !== undefined && claimed !== actor.id)
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
  async start(@CurrentActor() actor: Actor, @Query() query: SetupQuery): Promise<SetupResponse> {
    ownIdOnly(actor, query.user_id);
    const key = await this.setup.execute(actor);
    return { qr_code: key.qrCode, otpauth_url: key.otpauthUrl };
  }

  @Post('2fa/enable')
  @AllowedBeforeEnrolment()
  @Authenticated()
  @AuthRateLimit('second-factor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: EnableResponse })
  async turnOn(@CurrentActor() actor: Actor, @Body() body: CodeRequest): Promise<EnableResponse> {
    ownIdOnly(actor, body.user_id);
    return { enabled: true, backup_codes: await this.enable.execute(actor, body.code) };
  }

  @Delete('2fa/disable')
  @RecentAuthentication()
  @Authenticated()
  @AuthRateLimit('second-factor')
  @ApiOkResponse({ type: DisableResponse })
  async turnOff(@CurrentActor() actor: Actor, @Body() body: CodeRequest): Promise<DisableResponse> {
    ownIdOnly(actor, body.user_id);
    await this.disable.execute(actor, body.code);
    return { enabled: false };
  }

  @Get('2fa/status')
  @AllowedBeforeEnrolment()
  @Authenticated()
  @ApiOkResponse({ type: StatusResponse })
  async mine(@CurrentActor() actor: Actor): Promise<StatusResponse> {
    const s = await this.status.execute(actor);
    return { enabled: s.enabled, backup_codes_remaining: s.backupCodesRemaining };
  }

  @Get('2fa/status/:user_id')
  @Authenticated()
  @ApiOkResponse({ type: StatusResponse })
  async of(@CurrentActor() actor: Actor, @Param('user_id', uuid) userId: string): Promise<StatusResponse> {
    const s = await this.status.execute(actor, userId);
    return { enabled: s.enabled, backup_codes_remaining: s.backupCodesRemaining };
  }

  @Post('2fa/backup-codes')
  @RecentAuthentication()
  @Authenticated()
  @AuthRateLimit('second-factor')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: BackupCodesResponse })
  async renew(@CurrentActor() actor: Actor, @Body() body: CodeRequest): Promise<BackupCodesResponse> {
    ownIdOnly(actor, body.user_id);
    return { backup_codes: await this.regenerate.execute(actor, body.code) };
  }

  @Delete('users/:user_id/2fa')
  @RecentAuthentication()
  @Roles('ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description: "the user's key, backup codes and sessions are gone; audited, the user notified",
  })
  @ApiNotFoundResponse({ description: 'This user has no two-factor authentication to reset' })
  async resetFor(@CurrentActor() actor: Actor, @Param('user_id', uuid) userId: string): Promise<void> {
    await this.reset.execute(actor, userId);
  }
}
