import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DashboardRegistry } from '../common/views/dashboard.registry';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { IdentityModule } from '../identity/identity.module';
import { Organisation } from '../organisations/organisation.entity';
import { EvaluatorProfileController } from './evaluator-profile.controller';
import { EvaluatorProfile } from './evaluator-profile.entity';
import { EvaluatorProfilesService } from './evaluator-profiles.service';
import { EvaluatorRelationship } from './evaluator-relationship.entity';
import { EvaluatorRelationshipsService } from './evaluator-relationships.service';
import { EvaluatorsAdminController } from './evaluators-admin.controller';
import { EvaluatorsQueries } from './evaluators.queries';
import { EvaluatorsService } from './evaluators.service';
import { registerModulePartials } from '../common/views/partials';

/**
 * The evaluator pool. Organisations are read (names and credit codes for the relationship
 * form, existence checks), never written.
 */
@Module({
  imports: [TypeOrmModule.forFeature([EvaluatorProfile, EvaluatorRelationship, Organisation]), IdentityModule, CatalogueModule],
  controllers: [EvaluatorsAdminController, EvaluatorProfileController],
  providers: [EvaluatorsService, EvaluatorsQueries, EvaluatorProfilesService, EvaluatorRelationshipsService],
  exports: [EvaluatorsService],
})
export class EvaluatorsModule implements OnModuleInit {
  constructor(
    private readonly dashboards: DashboardRegistry,
    private readonly queries: EvaluatorsQueries,
  ) {}

  onModuleInit(): void {
    registerModulePartials('evaluators');
    this.dashboards.register((user) => this.queries.dashboardWidgets(user));
  }
}
