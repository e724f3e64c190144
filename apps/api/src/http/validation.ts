import {
  type ArgumentMetadata,
  BadRequestException,
  type PipeTransform,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { textProblem, textProblems } from '@uyoop/shared/nest';

/** Where @nestjs/swagger keeps each DTO property's schema (ApiProperty): the OpenAPI document's source. */
const SCHEMA_KEY = 'swagger/apiModelProperties';

/**
 * Global validation, in two steps. First the edge rules every input obeys whatever its DTO: text is
 * well-formed and free of control characters (VAL-07, see `textProblems`), and `null` appears only
 * where the OpenAPI schema of the field says `nullable` (VAL-NULL-01) — so the description and the
 * behaviour cannot disagree. Then class-validator: unknown fields are refused (never silently
 * stored), values are converted to the DTO's types, and every problem gets its own message, nested
 * ones with their path (`extra.link ...`).
 */
export function createValidationPipe(): PipeTransform {
  return new EdgeValidationPipe(createDtoValidationPipe());
}

class EdgeValidationPipe implements PipeTransform {
  constructor(private readonly dto: ValidationPipe) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return this.dto.transform(value, metadata);
    const problems =
      metadata.type === 'param' || metadata.data
        ? typeof value === 'string'
          ? [textProblem(metadata.data ?? 'value', value, false)].filter((p): p is string => p !== null)
          : textProblems(value).map((p) => `${metadata.data}.${p}`)
        : [...textProblems(value, metadata.metatype), ...nullProblems(value, metadata.metatype)];
    if (problems.length > 0) throw new BadRequestException({ message: problems });
    return this.dto.transform(value, metadata);
  }
}

function nullProblems(value: unknown, type: unknown): string[] {
  if (typeof value !== 'object' || value === null || typeof type !== 'function') return [];
  return Object.entries(value)
    .filter(([key, item]) => {
      if (item !== null) return false;
      const schema = Reflect.getMetadata(SCHEMA_KEY, type.prototype as object, key) as
        { nullable?: boolean } | undefined;
      return schema?.nullable !== true;
    })
    .map(([key]) => `${key} must not be null`);
}

function createDtoValidationPipe(): ValidationPipe {
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
