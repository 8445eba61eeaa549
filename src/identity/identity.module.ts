import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../common/common.module';
import { AppConfig } from '../config/app.config';
import { AdminUsersController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';
import { AuthApiController } from './auth-api.controller';
import { AuthPagesController } from './auth-pages.controller';
import { IdentityService } from './identity.service';
import { LocalStrategy } from './local.strategy';
import { PasswordResetToken } from './password-reset-token.entity';
import { PgThrottlerStorage } from './pg-throttler.storage';
import { SessionSerializer } from './session.serializer';
import { User } from './user.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([User, PasswordResetToken]),
    PassportModule.register({ session: true }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, getDataSourceToken()],
      useFactory: (config: AppConfig, dataSource: DataSource) => ({
        throttlers: [{ name: 'login', ttl: config.identity.loginRateWindowSeconds * 1000, limit: config.identity.loginRateLimit }],
        storage: new PgThrottlerStorage(dataSource),
      }),
    }),
  ],
  controllers: [AuthPagesController, AuthApiController, AdminUsersController],
  providers: [IdentityService, LocalStrategy, SessionSerializer, PgThrottlerStorage, AdminUsersService],
  exports: [IdentityService, PgThrottlerStorage],
})
export class IdentityModule {}
