import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Login } from '../../application/login.use-case';
import { Logout } from '../../application/logout.use-case';
import { RefreshSession } from '../../application/refresh-session.use-case';
import { VerifySecondFactor } from '../../application/verify-second-factor.use-case';
import type { User } from '../../domain/user';
import {
  AllowedBeforeEnrolment,
  Authenticated,
  AuthRateLimit,
  ClientIp,
  CurrentUser,
  LegacyAllowed,
  Public,
} from './auth.decorators';
import { LoginRequest, LogoutRequest, RefreshRequest, VerifySecondFactorRequest } from './auth.requests';
import { LoginResponse, TokenResponse, UserResponse } from './auth.responses';

@ApiTags('authentication')
@Controller()
export class AuthController {
  constructor(
    private readonly login: Login,
    private readonly verifySecondFactor: VerifySecondFactor,
    private readonly refresh: RefreshSession,
    private readonly logout: Logout,
  ) {}

  @Post('login')
  @Public()
  @AuthRateLimit('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Password login; users with 2FA get an mfa_token unless totp_code was sent' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiUnauthorizedResponse({ description: 'Incorrect username or password / Invalid 2FA code' })
  @ApiTooManyRequestsResponse({ description: '5 per minute per client address and per username' })
  async signIn(
    @Body() body: LoginRequest,
    @ClientIp() ip: string | null,
    @Headers('user-agent') userAgent?: string,
  ): Promise<LoginResponse> {
    const result = await this.login.execute({
      username: body.username,
      password: body.password,
      totpCode: body.totp_code,
      client: { ip, userAgent: userAgent ?? null },
    });
    return result.kind === 'signed-in'
      ? LoginResponse.signedIn(result.user, result.tokens, result.backupCodesRemaining)
      : LoginResponse.secondFactor(result.mfaToken);
  }

  @Post('2fa/verify')
  @Public()
  @AuthRateLimit('second-factor')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Second step of a login: the mfa_token and a TOTP or backup code' })
  @ApiOkResponse({ type: LoginResponse })
  async verify(
    @Body() body: VerifySecondFactorRequest,
    @ClientIp() ip: string | null,
    @Headers('user-agent') userAgent?: string,
  ): Promise<LoginResponse> {
    const { user, tokens, backupCodesRemaining } = await this.verifySecondFactor.execute(
      body.mfa_token,
      body.code,
      { ip, userAgent: userAgent ?? null },
    );
    return LoginResponse.signedIn(user, tokens, backupCodesRemaining);
  }

  @Post('token/refresh')
  @Public()
  @AuthRateLimit('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Rotate a refresh token; a rotated token presented again revokes its family' })
  @ApiOkResponse({ type: TokenResponse })
  async rotate(@Body() body: RefreshRequest, @ClientIp() ip: string | null): Promise<TokenResponse> {
    const tokens = await this.refresh.execute(body.refresh_token, ip);
    return {
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      token_type: 'bearer',
      expires_in: tokens.expiresIn,
    };
  }

  @Post('logout')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Revoke the refresh token's family (bearer optional)" })
  async signOut(@Body() body: LogoutRequest, @ClientIp() ip: string | null): Promise<void> {
    await this.logout.execute(body.refresh_token, ip);
  }

  @Get('users/me')
  @Authenticated()
  @AllowedBeforeEnrolment()
  @LegacyAllowed()
  @ApiBearerAuth('bearer')
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentUser() user: User): UserResponse {
    return UserResponse.from(user);
  }
}
