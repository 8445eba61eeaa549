import { Module, OnModuleInit } from '@nestjs/common';
import { AwardsModule } from '../awards/awards.module';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { ProcurementModule } from '../procurement/procurement.module';
import { ContractNoticesController } from './contract-notices.controller';
import { CONTRACTS_CONFIG, loadContractsConfig } from './contracts.config';
import { ContractsDashboardQueries } from './contracts-dashboard.queries';
import { ContractStatesService } from './contract-states.service';
import { ContractsService } from './contracts.service';
import { ContractsQueries } from './contracts.queries';
import { OrganisationContractsController } from './organisation-contracts.controller';
import { StaffContractsController } from './staff-contracts.controller';
import { VariationsService } from './variations.service';
import { registerModulePartials } from '../common/views/partials';

/**
 * Contracts from awards: generation after the challenge period, confirmation by both sides,
 * activation (fund reserved → committed), publication on the public board, and variations
 * under the 10 %-increase (第四十九条) and four-eyes rules. Exported to the payments module: ContractsService
 * (lockContractForPayment, getContract, milestonesOf) and VariationsService (variationsOf); to
 * delivery, service evaluation and payments: ContractStatesService, the only way they move a
 * contract's or a milestone's status.
 */
@Module({
  imports: [AwardsModule, ProcurementModule],
  controllers: [StaffContractsController, OrganisationContractsController, ContractNoticesController],
  providers: [
    { provide: CONTRACTS_CONFIG, useFactory: () => loadContractsConfig(process.env) },
    ContractsService,
    ContractStatesService,
    VariationsService,
    ContractsQueries,
    ContractsDashboardQueries,
  ],
  exports: [ContractsService, ContractStatesService, VariationsService],
})
export class ContractsModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly forms: FormContextRegistry,
    private readonly dashboard: ContractsDashboardQueries,
    private readonly views: ContractsQueries,
  ) {}

  onModuleInit(): void {
    registerModulePartials('contracts');
    this.dashboards.register((user) => this.dashboard.widgetsFor(user));
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
