import { Module, OnModuleInit } from '@nestjs/common';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { ContractsModule } from '../contracts/contracts.module';
import { ProcurementModule } from '../procurement/procurement.module';
import { DisbursementsService } from './disbursements.service';
import { LedgerService } from './ledger.service';
import { OrganisationPaymentsController } from './organisation-payments.controller';
import { PaymentsViews } from './payments.views';
import { ReleasesController } from './releases.controller';
import { ReleasesService } from './releases.service';
import { ReleasesViews } from './releases.views';
import { StaffPaymentsController } from './staff-payments.controller';

/**
 * Payment by results: the double-entry ledger (journal + running balances), maker-checker
 * disbursements of passed milestones, and the treasury rail (国库集中支付). The Stripe rail's
 * worker and webhooks come later; approval already writes its outbox row.
 */
@Module({
  imports: [ContractsModule, ProcurementModule],
  controllers: [StaffPaymentsController, OrganisationPaymentsController, ReleasesController],
  providers: [LedgerService, DisbursementsService, PaymentsViews, ReleasesService, ReleasesViews],
  exports: [LedgerService, DisbursementsService, ReleasesService],
})
export class PaymentsModule implements OnModuleInit {
  constructor(
    private readonly forms: FormContextRegistry,
    private readonly views: PaymentsViews,
  ) {}

  onModuleInit(): void {
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
