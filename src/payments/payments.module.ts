import { Module, OnModuleInit } from '@nestjs/common';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { ContractsModule } from '../contracts/contracts.module';
import { LedgerModule } from '../ledger/ledger.module';
import { ProcurementModule } from '../procurement/procurement.module';
import { DisbursementsService } from './disbursements.service';
import { LedgerController } from './ledger.controller';
import { LedgerPagesQueries } from './ledger-pages.queries';
import { OrganisationPaymentsController } from './organisation-payments.controller';
import { PaymentsQueries } from './payments.queries';
import { ReleasesController } from './releases.controller';
import { ReleasesService } from './releases.service';
import { ReleasesQueries } from './releases.queries';
import { StaffPaymentsController } from './staff-payments.controller';
import { OrganisationPaymentAccountController } from './stripe/organisation-payment-account.controller';
import { StaffStripeController } from './stripe/staff-stripe.controller';
import { APP_CONFIG } from '../common/common.module';
import { AppConfig } from '../config/app.config';
import { STRIPE_CONFIG, loadStripeConfig } from './stripe/stripe.config';
import { StripeGateway } from './stripe/stripe.gateway';
import { StripeJobs } from './stripe/stripe.jobs';
import { StripeOutboxWorker } from './stripe/stripe-outbox.worker';
import { StripeRailService } from './stripe/stripe-rail.service';
import { StripeReconciliationService } from './stripe/stripe-reconciliation.service';
import { StripeSettlementService } from './stripe/stripe-settlement.service';
import { StripeQueries } from './stripe/stripe.queries';
import { StripeDashboardQueries } from './stripe/stripe-dashboard.queries';
import { PaymentsDashboardQueries } from './payments-dashboard.queries';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { StripeWebhooksController } from './stripe/stripe-webhooks.controller';
import { StripeWebhooksService } from './stripe/stripe-webhooks.service';

/**
 * Payment by results: maker-checker disbursements of passed milestones (posted through the
 * ledger module), the ledger's pages and exports, the treasury rail (国库集中支付) and the Stripe rail
 * (stripe/: Connect onboarding, the outbox worker, signed webhooks, reconciliation).
 */
@Module({
  imports: [ContractsModule, ProcurementModule, LedgerModule],
  controllers: [StaffPaymentsController, LedgerController, OrganisationPaymentsController, ReleasesController, StripeWebhooksController, OrganisationPaymentAccountController, StaffStripeController],
  providers: [
    LedgerPagesQueries,
    DisbursementsService,
    PaymentsQueries,
    PaymentsDashboardQueries,
    ReleasesService,
    ReleasesQueries,
    { provide: STRIPE_CONFIG, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadStripeConfig(process.env, config.env) },
    StripeGateway,
    StripeSettlementService,
    StripeOutboxWorker,
    StripeReconciliationService,
    StripeJobs,
    StripeRailService,
    StripeWebhooksService,
    StripeQueries,
    StripeDashboardQueries,
  ],
  exports: [DisbursementsService, ReleasesService],
})
export class PaymentsModule implements OnModuleInit {
  constructor(
    private readonly forms: FormContextRegistry,
    private readonly views: PaymentsQueries,
    private readonly stripeQueries: StripeQueries,
    private readonly dashboards: DashboardRegistry,
    private readonly stripeDashboard: StripeDashboardQueries,
    private readonly paymentsDashboard: PaymentsDashboardQueries,
  ) {}

  onModuleInit(): void {
    for (const [template, provider] of Object.entries({ ...this.views.formContexts(), ...this.stripeQueries.formContexts() })) this.forms.register(template, provider);
    this.dashboards.register((user) => this.stripeDashboard.widgetsFor(user));
    this.dashboards.register((user) => this.paymentsDashboard.widgetsFor(user));
  }
}
