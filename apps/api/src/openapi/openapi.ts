import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Public } from '@uyoop/auth';
import { APP_VERSION } from '../health/version';

/** The OpenAPI document, generated from the controllers once at start-up. */
@Injectable()
export class OpenApiDocument {
  document: OpenAPIObject | undefined;

  generate(app: INestApplication): void {
    const config = new DocumentBuilder()
      .setTitle('uyoop-cal API')
      .setDescription('Secure team calendar for DevOps work. The contract: docs/api-contract.md.')
      .setVersion(APP_VERSION)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .build();
    this.document = SwaggerModule.createDocument(app, config);
  }
}

@ApiExcludeController()
@Public()
@Controller()
export class OpenApiController {
  constructor(private readonly openApi: OpenApiDocument) {}

  @Get('openapi.json')
  document(): OpenAPIObject | Record<string, never> {
    return this.openApi.document ?? {};
  }
}
