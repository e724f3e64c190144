import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { NoInvisibleCharacters } from '@uyoop/shared/nest';
import { ROLES, type Role } from '@uyoop/shared';

/** 1024 bytes at most for any password field: refused with 400 before any hashing (AUTH-02). */
const PASSWORD_MAX = 1024;

function MaxBytes(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxBytes',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= max,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must not exceed ${max} bytes`,
      },
    },
    options,
  );
}

export class LoginRequest {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  @NoInvisibleCharacters()
  username!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxBytes(PASSWORD_MAX)
  password!: string;

  @ApiPropertyOptional({ description: 'A TOTP or backup code, to log in in one step', example: '123456' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  totp_code?: string;
}

export class VerifySecondFactorRequest {
  @ApiProperty({ description: 'The mfa_token from POST /login' })
  @IsString()
  @MaxLength(128)
  mfa_token!: string;

  @ApiProperty({ description: 'A TOTP code or a backup code', example: '123456' })
  @IsString()
  @MaxLength(64)
  code!: string;
}

export class RefreshRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(8192)
  refresh_token!: string;
}

export class LogoutRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(8192)
  refresh_token!: string;
}

export class CreateUserRequest {
  @ApiProperty({ example: 'bob' })
  @IsString()
  @MaxLength(64)
  @NoInvisibleCharacters()
  username!: string;

  @ApiPropertyOptional({ example: 'bob@example.org', nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(320)
  @NoInvisibleCharacters()
  email?: string;

  @ApiProperty({ format: 'password', description: 'At least 12 characters, not a common password' })
  @IsString()
  @MaxBytes(PASSWORD_MAX)
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

export class UpdateUserRequest {
  @ApiPropertyOptional({ enum: ROLES, description: 'ADMIN only' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'ADMIN only' })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((o: UpdateUserRequest) => o.email !== null)
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(320)
  @NoInvisibleCharacters()
  email?: string | null;

  @ApiPropertyOptional({ format: 'password', description: 'Your own only, with current_password' })
  @IsOptional()
  @IsString()
  @MaxBytes(PASSWORD_MAX)
  password?: string;

  @ApiPropertyOptional({ format: 'password' })
  @IsOptional()
  @IsString()
  @MaxBytes(PASSWORD_MAX)
  current_password?: string;
}
