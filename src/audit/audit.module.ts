import { Global, Module } from '@nestjs/common';
import { AuditPagesController } from './audit-pages.controller';
import { AuditChainer } from './audit-chainer';
import { AuditService } from './audit.service';

/** Global: every module writes audit events; the audit module depends on nothing. */
@Global()
@Module({
  controllers: [AuditPagesController],
  providers: [AuditService, AuditChainer],
  exports: [AuditService],
})
export class AuditModule {}
