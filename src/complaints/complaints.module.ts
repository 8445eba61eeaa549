import { Module, OnModuleInit } from '@nestjs/common';
import { AwardsModule } from '../awards/awards.module';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { ProcurementModule } from '../procurement/procurement.module';
import { ComplaintNoticesController, FinanceComplaintsController, OrganisationComplaintsController } from './complaints.controllers';
import { ComplaintsService } from './complaints.service';
import { ComplaintsQueries } from './complaints.queries';

/**
 * Complaints (投诉) to the finance department and the suspensions it orders. Owns `complaints`
 * and `procurement_suspensions`. Reads challenges through the awards module's ChallengesService.
 * Other modules never call it: a suspension is read where it matters through
 * common/suspension (and enforced by the database).
 */
@Module({
  imports: [AwardsModule, ProcurementModule],
  controllers: [OrganisationComplaintsController, FinanceComplaintsController, ComplaintNoticesController],
  providers: [ComplaintsService, ComplaintsQueries],
  exports: [ComplaintsService],
})
export class ComplaintsModule implements OnModuleInit {
  constructor(
    private readonly forms: FormContextRegistry,
    private readonly views: ComplaintsQueries,
  ) {}

  onModuleInit(): void {
    for (const [template, provider] of Object.entries(this.views.formContexts())) this.forms.register(template, provider);
  }
}
