import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES } from '@uyoop/shared';
import { BACKUP_CODES_LOW, backupCodesWarning } from '../../domain/two-factor/codes';
import type { User } from '../../domain/user';

/** A user as the API shows it; fields are copied one by one so a new column never leaks. */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty() totp_enabled!: boolean;
  @ApiProperty() is_active!: boolean;
  @ApiProperty() created_at!: string;

  static from(user: User): UserResponse {
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      role: user.role,
      totp_enabled: user.totpEnabled,
      is_active: user.isActive,
      created_at: user.createdAt.toISOString(),
    };
  }
}

/** `GET /users` for non-ADMIN callers: who exists and their role, nothing more. */
export class UserSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ROLES }) role!: string;

  static from(user: User): UserSummaryResponse {
    return { id: user.id, username: user.username, role: user.role };
  }
}

export class LoginUserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty() totp_enabled!: boolean;
}

export class LoginResponse {
  @ApiProperty({ type: LoginUserResponse, nullable: true }) user!: LoginUserResponse | null;
  @ApiProperty() requires_totp!: boolean;
  @ApiPropertyOptional({ description: 'Only when requires_totp: single use, 5 minutes' }) mfa_token?: string;
  @ApiProperty({ nullable: true, type: String }) access_token!: string | null;
  @ApiProperty({ nullable: true, type: String }) refresh_token!: string | null;
  @ApiProperty({ nullable: true, type: String, enum: ['bearer'] }) token_type!: 'bearer' | null;
  @ApiPropertyOptional({ description: 'Access token lifetime in seconds' }) expires_in?: number;
  @ApiPropertyOptional({ description: 'Only when a backup code was used: how many unused ones are left' })
  backup_codes_remaining?: number;
  @ApiPropertyOptional({
    description: `Only when a backup code was used and ${BACKUP_CODES_LOW} or fewer are left: what to do about it`,
  })
  warning?: string;

  static signedIn(
    user: User,
    tokens: { accessToken: string; refreshToken: string; expiresIn: number },
    backupCodesRemaining: number | null = null,
  ): LoginResponse {
    const warning = backupCodesRemaining === null ? null : backupCodesWarning(backupCodesRemaining);
    return {
      user: {
        id: user.id,
        username: user.username,
        email: user.email,
        role: user.role,
        totp_enabled: user.totpEnabled,
      },
      requires_totp: false,
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      token_type: 'bearer',
      expires_in: tokens.expiresIn,
      ...(backupCodesRemaining === null ? {} : { backup_codes_remaining: backupCodesRemaining }),
      ...(warning ? { warning } : {}),
    };
  }

  static secondFactor(mfaToken: string): LoginResponse {
    return {
      user: null,
      requires_totp: true,
      mfa_token: mfaToken,
      access_token: null,
      refresh_token: null,
      token_type: null,
    };
  }
}

export class TokenResponse {
  @ApiProperty() access_token!: string;
  @ApiProperty() refresh_token!: string;
  @ApiProperty({ enum: ['bearer'] }) token_type!: 'bearer';
  @ApiProperty() expires_in!: number;
}
