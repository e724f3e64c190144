import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/**
 * Global validation: unknown fields are refused (never silently stored), values are converted to
 * the DTO's types, and every problem gets its own message, nested ones with their path (`extra.link ...`).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadRequestException({ message: flatten(errors) }),
  });
}

export function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, text]) => {
      if (constraint === 'whitelistValidation') return `property ${path} should not exist`;
      return text.startsWith(`${error.property} `)
        ? `${path}${text.slice(error.property.length)}`
        : `${path}: ${text}`;
    });
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
