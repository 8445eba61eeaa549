import { Body, Controller, Get, Header, HttpCode, Inject, OnModuleInit, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { CatalogueService } from '../catalogue/catalogue.service';
import { APP_CONFIG } from '../common/common.module';
import { FormContextRegistry } from '../common/http/form-context.registry';
import { FormView } from '../common/http/form-view';
import { AppConfig } from '../config/app.config';
import { Allow } from '../identity/access.decorators';
import { ADMIN_PAGE_SIZE } from '../identity/admin-pages';
import { presentOneTimeLink } from '../identity/admin-users.presenter';
import { CurrentActor } from '../identity/current-actor.decorator';
import { flash } from '../identity/session.setup';
import { calendarDate } from './domain/conflicts';
import { CreateEvaluatorDto } from './dto/create-evaluator.dto';
import { DeclareRelationshipDto } from './dto/declare-relationship.dto';
import { EndRelationshipDto } from './dto/end-relationship.dto';
import { EvaluatorProfileDto } from './dto/evaluator-profile.dto';
import { ListEvaluatorsQuery, POOL_STATUSES } from './dto/list-evaluators.query';
import { kindOptions, pageLinks, presentEvaluator, presentRelationship, profileFormValues } from './evaluators.presenter';
import { EvaluatorNotFoundError } from './evaluators.errors';
import { EvaluatorsService } from './evaluators.service';
import { EvaluatorsQueries } from './evaluators.queries';
import { EvaluatorProfilesService } from './evaluator-profiles.service';
import { EvaluatorRelationshipsService } from './evaluator-relationships.service';
import { adminOnlyContext } from '../identity/form-contexts';

const FILTERS = ['category', 'q', 'status'] as const;

/** The admin's pages of the evaluator pool: profiles, pool membership, declared relationships. */
@ApiExcludeController()
@Controller('admin/evaluators')
@Allow('admin')
export class EvaluatorsAdminController implements OnModuleInit {
  constructor(
    private readonly evaluators: EvaluatorsService,
    private readonly queries: EvaluatorsQueries,
    private readonly profiles: EvaluatorProfilesService,
    private readonly relationships: EvaluatorRelationshipsService,
    private readonly catalogue: CatalogueService,
    private readonly forms: FormContextRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.forms.register(
      'evaluators/admin-new',
      adminOnlyContext(() => this.newContext()),
    );
    this.forms.register(
      'evaluators/admin-show',
      adminOnlyContext((req) => this.showContext(req.params.id as string, req.params.relationshipId as string | undefined)),
    );
  }

  @Get()
  @Render('evaluators/admin-index')
  async index(@Query() query: ListEvaluatorsQuery) {
    const [result, categories, withoutProfile] = await Promise.all([
      this.evaluators.listProfiles({ ...query, pageSize: ADMIN_PAGE_SIZE }),
      this.catalogue.listCategories(),
      this.queries.listAccountsWithoutProfile(),
    ]);
    const params = new URLSearchParams();
    for (const key of FILTERS) if (query[key]) params.set(key, query[key] as string);
    return {
      titleKey: 'evaluators.admin.title',
      query,
      isFiltered: FILTERS.some((key) => query[key]),
      categories,
      statusOptions: POOL_STATUSES.map((status) => ({ code: status, labelKey: `evaluators.pool.${status}` })),
      evaluators: result.data.map((e) => presentEvaluator(e, categories)),
      withoutProfile,
      pagination: { ...pageLinks(result.meta), baseQuery: params.toString() },
    };
  }

  @Get('new')
  @Render('evaluators/admin-new')
  async newForm() {
    return this.newContext();
  }

  @Post('new')
  @HttpCode(200)
  @FormView('evaluators/admin-new', { titleKey: 'evaluators.admin.new.title' })
  @Header('Cache-Control', 'no-store')
  @Render('admin/one-time-link')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateEvaluatorDto) {
    const link = await this.profiles.createEvaluator(actor, dto);
    return {
      titleKey: 'evaluators.admin.new.created',
      flash: { kind: 'success', key: 'evaluators.flash.created' },
      link: presentOneTimeLink(link, this.config.publicUrl),
      backHref: `/admin/evaluators/${link.userId}`,
      backKey: 'admin.link.toEvaluator',
    };
  }

  @Get(':id')
  @Render('evaluators/admin-show')
  async show(@Param('id') id: string) {
    return this.showContext(id);
  }

  @Post(':id/profile')
  @FormView('evaluators/admin-show', { titleKey: 'evaluators.admin.show.title' })
  async update(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: EvaluatorProfileDto, @Req() req: Request, @Res() res: Response) {
    await this.profiles.saveProfile(actor, id, dto);
    flash(req, 'success', 'evaluators.flash.updated');
    res.redirect(303, `/admin/evaluators/${id}`);
  }

  @Post(':id/deactivate')
  @FormView('evaluators/admin-show', { titleKey: 'evaluators.admin.show.title' })
  async deactivate(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.profiles.setProfileActive(actor, id, false);
    flash(req, 'success', 'evaluators.flash.deactivated');
    res.redirect(303, `/admin/evaluators/${id}`);
  }

  @Post(':id/reactivate')
  @FormView('evaluators/admin-show', { titleKey: 'evaluators.admin.show.title' })
  async reactivate(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.profiles.setProfileActive(actor, id, true);
    flash(req, 'success', 'evaluators.flash.reactivated');
    res.redirect(303, `/admin/evaluators/${id}`);
  }

  @Post(':id/relationships')
  @FormView('evaluators/admin-show', { titleKey: 'evaluators.admin.show.title' })
  async addRelationship(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: DeclareRelationshipDto, @Req() req: Request, @Res() res: Response) {
    await this.relationships.addRelationship(actor, id, dto);
    flash(req, 'success', 'evaluators.flash.relationshipAdded');
    res.redirect(303, `/admin/evaluators/${id}#relationships`);
  }

  @Post(':id/relationships/:relationshipId/end')
  @FormView('evaluators/admin-show', { titleKey: 'evaluators.admin.show.title' })
  async endRelationship(
    @Param('id') id: string,
    @Param('relationshipId') relationshipId: string,
    @CurrentActor() actor: Actor,
    @Body() dto: EndRelationshipDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await this.relationships.endRelationship(actor, id, relationshipId, dto.endedOn);
    flash(req, 'success', 'evaluators.flash.relationshipEnded');
    res.redirect(303, `/admin/evaluators/${id}#relationships`);
  }

  private async newContext() {
    return { titleKey: 'evaluators.admin.new.title', categories: await this.catalogue.listCategories(), values: { expertise: [] } };
  }

  /** An evaluator account without a profile: the page offers to make one. */
  private async missingProfileContext(id: string) {
    const account = await this.queries.findEvaluatorAccount(id);
    if (!account) throw new EvaluatorNotFoundError();
    return { titleKey: 'evaluators.admin.show.title', needsProfile: true, account, categories: await this.catalogue.listCategories(), values: { expertise: [] } };
  }

  /** The profile page; `endingRelationshipId` marks the row whose end form is re-rendered with a message. */
  private async showContext(id: string, endingRelationshipId?: string) {
    const evaluator = await this.evaluators.findProfile(id);
    if (!evaluator) return this.missingProfileContext(id);
    const [categories, relationships, organisations, now] = await Promise.all([
      this.catalogue.listCategories(),
      this.queries.listRelationships(id),
      this.queries.organisationOptions(),
      this.queries.now(),
    ]);
    const today = calendarDate(now);
    return {
      titleKey: 'evaluators.admin.show.title',
      evaluator: presentEvaluator(evaluator, categories),
      categories,
      relationships: relationships.map((r) => presentRelationship(r, now)),
      organisations,
      kinds: kindOptions(),
      today,
      endingRelationshipId: endingRelationshipId ?? null,
      addRelationshipAction: `/admin/evaluators/${evaluator.userId}/relationships`,
      canEnd: true,
      values: profileFormValues(evaluator, today),
    };
  }
}
