import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { IdentityModule } from '../identity/identity.module';
import { Organisation } from '../organisations/organisation.entity';
import { EvaluatorProfileController } from './evaluator-profile.controller';
import { EvaluatorProfile } from './evaluator-profile.entity';
import { EvaluatorRelationship } from './evaluator-relationship.entity';
import { EvaluatorsAdminController } from './evaluators-admin.controller';
import { EvaluatorsService } from './evaluators.service';

/**
 * The evaluator pool. Organisations are read (names and credit codes for the relationship
 * form, existence checks), never written.
 */
@Module({
  imports: [TypeOrmModule.forFeature([EvaluatorProfile, EvaluatorRelationship, Organisation]), IdentityModule, CatalogueModule],
  controllers: [EvaluatorsAdminController, EvaluatorProfileController],
  providers: [EvaluatorsService],
  exports: [EvaluatorsService],
})
export class EvaluatorsModule {}
