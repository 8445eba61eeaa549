import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Actor } from '../audit/actor';
import { CatalogueService } from '../catalogue/catalogue.service';
import { APP_CONFIG } from '../common/common.module';
import { formatMinor } from '../common/money/money';
import { AppConfig } from '../config/app.config';
import { DocumentsService } from '../documents/documents.service';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { ListOrganisationsQuery } from './dto/list-organisations.query';
import { AddedMember } from './members.service';
import { RegistryQuery } from './dto/registry.query';
import {
  CategoryRef,
  decisionForm,
  detailValues,
  formOptions,
  formatBytes,
  nextSteps,
  ownPermissions,
  pageLinks,
  postedList,
  presentDocuments,
  presentHistory,
  presentMembers,
  presentRecord,
  statusPanel,
  statusTabs,
} from './organisations.presenter';
import { OrganisationsService } from './organisations.service';
import { RegistryService } from './registry.service';
import { VettingService } from './vetting.service';

/**
 * Builds the page contexts of this module's templates from the services and the presenter. The
 * same builders serve the GET handlers and the FormContextRegistry, so a form re-rendered after
 * bad input shows the same page with the user's input kept.
 */
@Injectable()
export class OrganisationsQueries {
  constructor(
    private readonly organisations: OrganisationsService,
    private readonly vetting: VettingService,
    private readonly registry: RegistryService,
    private readonly catalogue: CatalogueService,
    private readonly documents: DocumentsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async categories(): Promise<CategoryRef[]> {
    return (await this.catalogue.listCategories()).map((c) => ({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn }));
  }

  /** The registration form; `posted` is the submitted body when re-rendering. */
  async registerPage(posted?: Record<string, unknown>, signedIn = false) {
    return {
      titleKey: 'organisations.register.title',
      signedIn,
      categories: await this.categories(),
      options: formOptions(),
      selectedCategories: postedList(posted?.serviceCategories),
      minCapital: formatMinor(this.organisations.minRegisteredCapitalMinor),
      values: { registrationTrack: 'registered', evaluationGrade: 'none' },
    };
  }

  /** The organisation's own page: record, status, documents, members, history and what to do next. */
  async ownPage(actor: Actor) {
    const [view, categories] = await Promise.all([this.organisations.viewOwn(actor), this.categories()]);
    const o = view.organisation;
    return {
      titleKey: 'organisations.own.title',
      organisation: presentRecord(o, categories),
      statusPanel: statusPanel(o),
      nextSteps: nextSteps(o, view.documents).map((step) => `organisations.next.${step}`),
      can: ownPermissions(o, actor.roles),
      documents: presentDocuments(view.documents, '/organisation/documents'),
      members: presentMembers(view.members, actor),
      history: presentHistory(view.history, { staff: false }),
      options: formOptions(),
      maxUpload: formatBytes(this.documents.maxBytes),
      values: { kind: 'registration_certificate' },
    };
  }

  /** The one-time set-password link of a colleague's account: shown in this response only. */
  memberLinkPage(added: AddedMember, isNew: boolean) {
    return {
      titleKey: 'organisations.members.linkTitle',
      isNew,
      member: { displayName: added.member.displayName, email: added.member.email },
      linkUrl: `${this.config.publicUrl}/password-reset/${added.token}`,
      expiresAt: added.expiresAt,
    };
  }

  /** The full edit form; re-rendering posted input (`posted`) shows the form whatever the status, the error says why. */
  async editPage(actor: Actor, posted?: Record<string, unknown>) {
    const record = posted ? this.organisations.getOwn(actor) : this.organisations.getOwnEditable(actor, 'full');
    const [organisation, categories] = await Promise.all([record, this.categories()]);
    return {
      titleKey: 'organisations.edit.title',
      organisation: presentRecord(organisation, categories),
      categories,
      options: formOptions(),
      selectedCategories: posted ? postedList(posted.serviceCategories) : organisation.serviceCategories,
      minCapital: formatMinor(this.organisations.minRegisteredCapitalMinor),
      values: detailValues(organisation),
    };
  }

  async editContactPage(actor: Actor, posted?: Record<string, unknown>) {
    const organisation = await (posted ? this.organisations.getOwn(actor) : this.organisations.getOwnEditable(actor, 'contact'));
    return {
      titleKey: 'organisations.editContact.title',
      organisation: { nameZh: organisation.nameZh, statusKey: `organisations.status.${organisation.status}` },
      values: { contactPerson: organisation.contactPerson, contactPhone: organisation.contactPhone },
    };
  }

  async staffQueuePage(query: ListOrganisationsQuery) {
    const [page, categories] = await Promise.all([this.vetting.listForStaff(query), this.categories()]);
    const params = new URLSearchParams({ status: query.status });
    if (query.q) params.set('q', query.q);
    return {
      titleKey: 'organisations.staff.queueTitle',
      query,
      tabs: statusTabs(page.counts, query.status, query.q),
      organisations: page.data.map((o) => presentRecord(o, categories)),
      pagination: { ...pageLinks(page.meta), baseQuery: params.toString() },
      isSubmittedQueue: query.status === 'submitted',
    };
  }

  async staffDetailPage(organisationId: string, viewerRoles: string[]) {
    const [view, categories] = await Promise.all([this.vetting.viewForStaff(organisationId), this.categories()]);
    const o = view.organisation;
    return {
      title: { nameZh: o.nameZh },
      organisation: presentRecord(o, categories),
      statusPanel: statusPanel(o),
      documents: presentDocuments(view.documents, `/staff/organisations/${o.id}/documents`, { preview: true }),
      history: presentHistory(view.history, { staff: true, actorNames: view.actorNames }),
      decisionForm: decisionForm(o, viewerRoles),
    };
  }

  async registryPage(query: RegistryQuery) {
    const [page, categories] = await Promise.all([this.registry.list(query), this.categories()]);
    const params = new URLSearchParams();
    for (const key of ['q', 'category', 'grade'] as const) if (query[key]) params.set(key, query[key] as string);
    return {
      titleKey: 'registry.title',
      query,
      categories,
      grades: formOptions().grades,
      organisations: page.data.map((o) => presentRecord(o, categories)),
      pagination: { ...pageLinks(page.meta), baseQuery: params.toString() },
      isFiltered: Boolean(query.q || query.category || query.grade),
    };
  }

  async registryEntryPage(id: string) {
    const [organisation, categories] = await Promise.all([this.registry.get(id), this.categories()]);
    return { title: { nameZh: organisation.nameZh }, organisation: presentRecord(organisation, categories) };
  }

  /** Context providers for forms re-rendered by the error filter (see FormContextRegistry). */
  formContexts(): Record<string, (req: Request) => Promise<Record<string, unknown>>> {
    const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
    return {
      'organisations/register': (req) => this.registerPage(body(req), Boolean(req.user)),
      'organisations/show': (req) => this.ownPage(actorFromRequest(req)),
      'organisations/edit': (req) => this.editPage(actorFromRequest(req), body(req)),
      'organisations/edit-contact': (req) => this.editContactPage(actorFromRequest(req), body(req)),
      'organisations/staff-detail': (req) => this.staffDetailPage(String(req.params?.id ?? ''), actorFromRequest(req).roles),
    };
  }
}
