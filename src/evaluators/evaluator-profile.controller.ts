import { Body, Controller, Get, OnModuleInit, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { CatalogueService } from '../catalogue/catalogue.service';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor, CurrentUser } from '../identity/current-actor.decorator';
import { SessionUser } from '../identity/identity.service';
import { flash } from '../identity/session.setup';
import { calendarDate } from './domain/conflicts';
import { DeclareRelationshipDto } from './dto/declare-relationship.dto';
import { kindOptions, presentEvaluator, presentRelationship } from './evaluators.presenter';
import { EvaluatorsService } from './evaluators.service';
import { EvaluatorsQueries } from './evaluators.queries';
import { EvaluatorRelationshipsService } from './evaluator-relationships.service';
import { forRoles } from '../identity/form-contexts';

/**
 * The evaluator's own page: their profile as the bureau keeps it, and their relationships with
 * organisations. They declare new ones here; ending one is for an admin.
 */
@ApiExcludeController()
@Controller('evaluator/profile')
@Allow('evaluator')
export class EvaluatorProfileController implements OnModuleInit {
  constructor(
    private readonly evaluators: EvaluatorsService,
    private readonly queries: EvaluatorsQueries,
    private readonly relationships: EvaluatorRelationshipsService,
    private readonly catalogue: CatalogueService,
    private readonly forms: FormContextRegistry,
  ) {}

  onModuleInit(): void {
    this.forms.register(
      'evaluators/profile',
      forRoles(['evaluator'], (req) => this.context((req.user as SessionUser).id)),
    );
  }

  @Get()
  @Render('evaluators/profile')
  async show(@CurrentUser() user: SessionUser) {
    return this.context(user.id);
  }

  @Post('relationships')
  @FormView('evaluators/profile', { titleKey: 'evaluators.profile.title' })
  async declare(@CurrentActor() actor: Actor, @Body() dto: DeclareRelationshipDto, @Req() req: Request, @Res() res: Response) {
    await this.relationships.declareOwnRelationship(actor, dto);
    flash(req, 'success', 'evaluators.flash.relationshipDeclared');
    res.redirect(303, '/evaluator/profile#relationships');
  }

  private async context(userId: string) {
    const evaluator = await this.evaluators.findProfile(userId);
    if (!evaluator) return { titleKey: 'evaluators.profile.title', hasProfile: false };
    const [categories, relationships, organisations, now] = await Promise.all([
      this.catalogue.listCategories(),
      this.queries.listRelationships(userId),
      this.queries.organisationOptions(),
      this.queries.now(),
    ]);
    return {
      titleKey: 'evaluators.profile.title',
      hasProfile: true,
      evaluator: presentEvaluator(evaluator, categories),
      relationships: relationships.map((r) => presentRelationship(r, now)),
      organisations,
      kinds: kindOptions(),
      today: calendarDate(now),
      canEnd: false,
    };
  }
}
