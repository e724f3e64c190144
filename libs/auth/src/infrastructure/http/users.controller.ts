import { Idempotent, uuidParam } from '@uyoop/shared/nest';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Actor } from '@uyoop/shared';
import { CreateUser } from '../../application/create-user.use-case';
import { DeactivateUser } from '../../application/deactivate-user.use-case';
import { ListUsers } from '../../application/list-users.use-case';
import { UpdateUser } from '../../application/update-user.use-case';
import type { User } from '../../domain/user';
import { Authenticated, CurrentActor, CurrentUser, LegacyAllowed, Roles } from './auth.decorators';
import { CreateUserRequest, UpdateUserRequest } from './auth.requests';
import { UserResponse, UserSummaryResponse } from './auth.responses';

const uuid = uuidParam('id');

@ApiTags('users')
@ApiBearerAuth('bearer')
@ApiExtraModels(UserResponse, UserSummaryResponse)
@Controller('users')
export class UsersController {
  constructor(
    private readonly listUsers: ListUsers,
    private readonly createUser: CreateUser,
    private readonly updateUser: UpdateUser,
    private readonly deactivateUser: DeactivateUser,
  ) {}

  @Get()
  @Authenticated()
  @LegacyAllowed()
  @ApiOkResponse({
    description: 'ADMIN gets full users; others get id, username and role',
    schema: {
      type: 'array',
      items: { oneOf: [{ $ref: getSchemaPath(UserResponse) }, { $ref: getSchemaPath(UserSummaryResponse) }] },
    },
  })
  async list(@CurrentUser() caller: User): Promise<(UserResponse | UserSummaryResponse)[]> {
    const users = await this.listUsers.execute();
    return caller.role === 'ADMIN'
      ? users.map((u) => UserResponse.from(u))
      : users.map((u) => UserSummaryResponse.from(u));
  }

  @Post()
  @Roles('ADMIN')
  @ApiCreatedResponse({ type: UserResponse })
  @Idempotent()
  async create(@Body() body: CreateUserRequest, @CurrentActor() actor: Actor): Promise<UserResponse> {
    const user = await this.createUser.execute(actor, {
      username: body.username,
      email: body.email ?? null,
      password: body.password,
      role: body.role,
    });
    return UserResponse.from(user);
  }

  @Patch(':id')
  @Authenticated()
  @ApiOkResponse({ type: UserResponse })
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateUserRequest,
    @CurrentActor() actor: Actor,
  ): Promise<UserResponse> {
    const user = await this.updateUser.execute(actor, id, {
      role: body.role,
      isActive: body.is_active,
      email: body.email,
      password: body.password,
      currentPassword: body.current_password,
    });
    return UserResponse.from(user);
  }

  @Delete(':id')
  @Roles('ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@Param('id', uuid) id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.deactivateUser.execute(actor, id);
  }
}
