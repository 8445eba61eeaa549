import { Controller, Delete, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from './access.decorators';
import { LoginDto } from './dto/login.dto';
import { SessionUser } from './identity.service';
import { LocalLoginGuard, LoginThrottleGuard } from './login.guards';
import { csrf } from './session.setup';

/** Session sign-in for API clients: fetch a CSRF token first, send it as X-CSRF-Token. */
@ApiTags('session')
@Controller('api/v1/session')
export class AuthApiController {
  @Get()
  @Public()
  @ApiOperation({ summary: 'The signed-in user (or null) and a CSRF token for state-changing calls' })
  current(@Req() req: Request) {
    return { user: (req.user as SessionUser | undefined) ?? null, csrfToken: csrf.generateToken(req) };
  }

  @Post()
  @Public()
  @HttpCode(200)
  @ApiBody({ type: LoginDto })
  @ApiOperation({ summary: 'Sign in with email and password (rate-limited; accounts lock after repeated failures)' })
  @UseGuards(LoginThrottleGuard, LocalLoginGuard)
  login(@Req() req: Request) {
    return { user: req.user as SessionUser, csrfToken: csrf.generateToken(req, true) };
  }

  @Delete()
  @Public()
  @HttpCode(204)
  async logout(@Req() req: Request): Promise<void> {
    await new Promise<void>((resolve) => req.logout(() => resolve()));
    await new Promise<void>((resolve) => (req.session ? req.session.destroy(() => resolve()) : resolve()));
  }
}
