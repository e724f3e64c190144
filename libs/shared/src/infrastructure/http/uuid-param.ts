import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** `@Param('id', uuidParam('id'))`: a UUID path parameter, or 400 naming it. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(`${name} must be a UUID`) });
}
