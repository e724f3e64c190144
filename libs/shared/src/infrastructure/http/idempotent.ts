import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';

export const IDEMPOTENT_KEY = 'uyoop:idempotent';

/**
 * A creating POST that honours `Idempotency-Key` (REL-IDEM-01): the same key with the same body gets the
 * first answer again, with the same key and another body a 422. The work is done by the global
 * idempotency interceptor (apps/api/src/http/idempotency.interceptor.ts).
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_KEY, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        '8–128 letters, digits, _ or -. A retry with the same key and body gets the first answer (header ' +
        '`Idempotent-Replayed: true`) and creates nothing; the same key with another body is a 422. Keys ' +
        'are per user and kept 24 hours.',
    }),
    ApiUnprocessableEntityResponse({ description: 'This Idempotency-Key was used with another request' }),
  );
}
