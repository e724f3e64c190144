import { ApiProperty } from '@nestjs/swagger';

export class DependencyStatus {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: string;
}

export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';

  @ApiProperty({ example: 'uyoop-cal-api' })
  service!: string;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({
    description: 'One entry per configured dependency (database always; vault and redis when configured)',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/DependencyStatus' },
    example: { database: { status: 'up' } },
  })
  info!: Record<string, DependencyStatus>;
}

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}
