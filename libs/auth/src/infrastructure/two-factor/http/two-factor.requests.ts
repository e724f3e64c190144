import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class CodeRequest {
  @ApiProperty({ description: 'A 6-digit TOTP code (or, where accepted, a backup code)', example: '123456' })
  @IsString()
  @MaxLength(64)
  code!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Seed-compatible: accepted only when it is the caller's own id",
  })
  @IsOptional()
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id?: string;
}

export class SetupQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "Seed-compatible: accepted only when it is the caller's own id",
  })
  @IsOptional()
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id?: string;
}
