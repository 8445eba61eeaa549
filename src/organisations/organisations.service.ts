import { Inject, Injectable } from '@nestjs/common';
import { DomainError, FieldErrors, ValidationFailedError } from '../common/errors/domain.error';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { CatalogueService } from '../catalogue/catalogue.service';
import { Clock } from '../common/clock/clock';
import { parseYuanToMinor } from '../common/money/money';
import { formatDate } from '../common/views/view-helpers';
import { DocumentMetadata, DocumentsService, LoadedDocument } from '../documents/documents.service';
import { DocumentNotFoundError } from '../documents/documents.errors';
import { IdentityService, SessionUser, toSessionUser } from '../identity/identity.service';
import { NotificationsService } from '../notifications/notifications.service';
import { User } from '../identity/user.entity';
import { EvaluationGrade, OrganisationDocumentKind, OrganisationType, RegistrationTrack, orderCategories, registrationProblems, submissionProblem } from './domain/registration';
import { OrganisationStatus, canChangeDocuments, checkTransition, editScope, isEligibleToBid } from './domain/vetting';
import { Organisation } from './organisation.entity';
import { OWNER_TYPE, changedFields, lockOrganisation, ownOrganisationId } from './organisation.records';
import { ORGANISATIONS_CONFIG, OrganisationsConfig } from './organisations.config';
import {
  AlreadySignedInError,
  CertificateRequiredError,
  CreditCodeTakenError,
  NotEditableError,
  NotEligibleToBidError,
  OrganisationDocumentNotFoundError,
  OrganisationNotFoundError,
  RegistrationInvalidError,
  TransitionNotAllowedError,
} from './organisations.errors';
import { isUniqueViolation } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

/** The organisation's record as its members register and correct it. */
export interface OrganisationDetailsInput {
  nameZh: string;
  creditCode: string;
  registrationTrack: RegistrationTrack;
  registeringAuthority: string;
  legalRepresentative: string;
  contactPerson: string;
  contactPhone: string;
  subDistrict: string;
  community: string;
  streetAddress: string;
  foundedOn: string;
  /** As typed, in yuan. */
  registeredCapitalYuan: string;
  organisationType: OrganisationType;
  serviceCategories: string[];
  staffCount: number;
  socialWorkerCount: number;
  evaluationGrade: EvaluationGrade;
}

export interface ContactInput {
  contactPerson: string;
  contactPhone: string;
}

/** The organisation and its first account, which becomes its administrator. */
export interface RegistrationInput extends OrganisationDetailsInput {
  email: string;
  displayName: string;
  password: string;
}

export interface OwnOrganisationView {
  organisation: Organisation;
  documents: DocumentMetadata[];
  members: User[];
  history: AuditEvent[];
}

/** What other modules (procurement, notices) may read about an organisation. */
export interface OrganisationSummary {
  id: string;
  nameZh: string;
  creditCode: string;
  status: OrganisationStatus;
}

/** What eligibility rules (procurement, bidding) look at in an organisation. */
export interface OrganisationFacts {
  id: string;
  nameZh: string;
  status: OrganisationStatus;
  serviceCategories: string[];
  socialWorkerCount: number;
  evaluationGrade: EvaluationGrade;
}

/** Columns written from the form (the rest are the workflow's). */
type DetailColumns = Omit<OrganisationDetailsInput, 'registeredCapitalYuan'> & { registeredCapitalMinor: number };

/** The fields an audit snapshot of the record carries. */
function snapshot(o: DetailColumns): DetailColumns {
  return {
    nameZh: o.nameZh,
    creditCode: o.creditCode,
    registrationTrack: o.registrationTrack,
    registeringAuthority: o.registeringAuthority,
    legalRepresentative: o.legalRepresentative,
    contactPerson: o.contactPerson,
    contactPhone: o.contactPhone,
    subDistrict: o.subDistrict,
    community: o.community,
    streetAddress: o.streetAddress,
    foundedOn: o.foundedOn,
    registeredCapitalMinor: o.registeredCapitalMinor,
    organisationType: o.organisationType,
    serviceCategories: o.serviceCategories,
    staffCount: o.staffCount,
    socialWorkerCount: o.socialWorkerCount,
    evaluationGrade: o.evaluationGrade,
  };
}

/**
 * Social organisations: public registration, the organisation's own record and documents, its
 * submission for review, and (for other modules) whether it may bid. Every method that reads or
 * changes an organisation's own record takes the organisation from the actor, never from the
 * request, so one organisation cannot reach another's.
 */
@Injectable()
export class OrganisationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly identity: IdentityService,
    private readonly documents: DocumentsService,
    private readonly catalogue: CatalogueService,
    private readonly clock: Clock,
    @Inject(ORGANISATIONS_CONFIG) private readonly config: OrganisationsConfig,
    private readonly notifications: NotificationsService,
  ) {}

  get minRegisteredCapitalMinor(): number {
    return this.config.minRegisteredCapitalMinor;
  }

  // ── For other modules ────────────────────────────────────────────────────────────────────────

  /** Whether the organisation is approved now (false for unknown ids). */
  async isApproved(organisationId: string, manager?: EntityManager): Promise<boolean> {
    const facts = await this.getFacts(organisationId, { manager });
    return facts !== null && isEligibleToBid(facts.status);
  }

  /**
   * Throws unless the organisation may bid: OrganisationNotFoundError (404) for an unknown id,
   * NotEligibleToBidError (422) unless approved. Given the caller's transaction, the row stays
   * share-locked until it commits, so a suspension cannot slip in between the check and the bid.
   */
  async assertEligibleToBid(organisationId: string, manager?: EntityManager): Promise<void> {
    const facts = await this.getFacts(organisationId, { manager, lock: 'share' });
    if (facts === null) throw new OrganisationNotFoundError();
    if (!isEligibleToBid(facts.status)) throw new NotEligibleToBidError(facts.status);
  }

  /**
   * Status, categories, social workers and grade of one organisation, or null when unknown. In the
   * caller's transaction with `lock: 'share'`, the row stays share-locked until it commits, so a
   * suspension (which locks the row for update) waits for the bid or award that relied on it.
   */
  async getFacts(organisationId: string, options: { manager?: EntityManager; lock?: 'share' } = {}): Promise<OrganisationFacts | null> {
    if (!isUuid(organisationId)) return null;
    const lock = options.lock === 'share' && options.manager ? ' FOR SHARE' : '';
    const rows = (await (options.manager ?? this.dataSource.manager).query(
      `SELECT id, name_zh, status, service_categories, social_worker_count, evaluation_grade FROM organisations WHERE id = $1${lock}`,
      [organisationId],
    )) as Array<{ id: string; name_zh: string; status: OrganisationStatus; service_categories: string[]; social_worker_count: number; evaluation_grade: EvaluationGrade }>;
    const r = rows[0];
    return r ? { id: r.id, nameZh: r.name_zh, status: r.status, serviceCategories: r.service_categories, socialWorkerCount: r.social_worker_count, evaluationGrade: r.evaluation_grade } : null;
  }

  /**
   * Approved organisations by name, optionally only those serving `categories` (all of them, or
   * any of them): invitations to a single-source project, notices of a new project.
   */
  async listApproved(options: { categories?: string[]; match?: 'all' | 'any'; manager?: EntityManager } = {}): Promise<Array<{ id: string; nameZh: string }>> {
    const filter = options.categories?.length ? ` AND service_categories ${options.match === 'any' ? '&&' : '@>'} $1::text[]` : '';
    const rows = (await (options.manager ?? this.dataSource.manager).query(
      `SELECT id, name_zh FROM organisations WHERE status = 'approved'${filter} ORDER BY name_zh, id`,
      filter ? [options.categories] : [],
    )) as Array<{ id: string; name_zh: string }>;
    return rows.map((r) => ({ id: r.id, nameZh: r.name_zh }));
  }

  /** Name, credit code and status of one organisation (OrganisationNotFoundError when unknown). */
  async getSummary(organisationId: string): Promise<OrganisationSummary> {
    const o = isUuid(organisationId) ? await this.dataSource.getRepository(Organisation).findOneBy({ id: organisationId }) : null;
    if (!o) throw new OrganisationNotFoundError();
    return { id: o.id, nameZh: o.nameZh, creditCode: o.creditCode, status: o.status };
  }

  // ── Registration ─────────────────────────────────────────────────────────────────────────────

  /**
   * Creates the organisation (draft) and its administrator's account in one transaction. Rule
   * violations come back by field; a credit code already registered (also by a registration
   * committing a moment earlier) is a field error on creditCode.
   */
  async register(actor: Actor, input: RegistrationInput): Promise<{ organisation: Organisation; user: SessionUser }> {
    if (actor.userId) throw new AlreadySignedInError();
    const catalogueOrder = await this.catalogue.activeCategoryCodes();
    try {
      return await this.dataSource.transaction(async (manager) => {
        // Every problem in one round trip: the registry rules, a taken credit code, the account's email and password.
        const errors: DomainError[] = [];
        const columns = await this.checkedColumns(manager, input, catalogueOrder).catch((error: unknown) => {
          if (!(error instanceof RegistrationInvalidError)) throw error;
          errors.push(error);
          return null;
        });
        const creditCode =
          columns?.creditCode ??
          String(input.creditCode ?? '')
            .trim()
            .toUpperCase();
        if (creditCode && (await manager.exists(Organisation, { where: { creditCode } }))) errors.push(new CreditCodeTakenError());
        errors.push(...(await this.identity.newAccountProblems(manager, input.email, input.password)));
        if (errors.length === 1) throw errors[0];
        if (errors.length > 1 || !columns) throw mergedRegistrationError(errors);
        const [{ id }] = (await manager.query(
          `INSERT INTO organisations (name_zh, credit_code, registration_track, registering_authority, legal_representative,
             contact_person, contact_phone, sub_district, community, street_address, founded_on, registered_capital_minor,
             organisation_type, service_categories, staff_count, social_worker_count, evaluation_grade)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
          [
            columns.nameZh,
            columns.creditCode,
            columns.registrationTrack,
            columns.registeringAuthority,
            columns.legalRepresentative,
            columns.contactPerson,
            columns.contactPhone,
            columns.subDistrict,
            columns.community,
            columns.streetAddress,
            columns.foundedOn,
            columns.registeredCapitalMinor,
            columns.organisationType,
            columns.serviceCategories,
            columns.staffCount,
            columns.socialWorkerCount,
            columns.evaluationGrade,
          ],
        )) as { id: string }[];
        const user = await this.identity.createUser(manager, actor, {
          email: input.email,
          displayName: input.displayName,
          password: input.password,
          roles: ['org_member', 'org_admin'],
          organisationId: id,
        });
        await this.audit.record(manager, actor, {
          action: 'organisation.registered',
          entityType: OWNER_TYPE,
          entityId: id,
          after: { ...snapshot(columns), status: 'draft' },
          details: { adminUserId: user.id },
        });
        const organisation = await manager.findOneByOrFail(Organisation, { id });
        return { organisation, user: toSessionUser(user) };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'organisations_credit_code_key')) throw new CreditCodeTakenError();
      throw error;
    }
  }

  /** Applies the registration rules (today by the database clock, in Shanghai) and gives the columns to store. */
  private async checkedColumns(manager: EntityManager, input: OrganisationDetailsInput, catalogueOrder: string[]): Promise<DetailColumns> {
    const today = formatDate(await this.clock.now(manager));
    const problems = registrationProblems(input, { today, minRegisteredCapitalMinor: this.config.minRegisteredCapitalMinor, knownCategories: catalogueOrder });
    if (Object.keys(problems).length) throw new RegistrationInvalidError(problems);
    const { registeredCapitalYuan, ...rest } = input;
    return snapshot({
      ...rest,
      registeredCapitalMinor: parseYuanToMinor(registeredCapitalYuan)!,
      serviceCategories: orderCategories(input.serviceCategories, catalogueOrder),
    });
  }

  // ── The organisation's own record ────────────────────────────────────────────────────────────

  async getOwn(actor: Actor): Promise<Organisation> {
    const id = ownOrganisationId(actor);
    const organisation = await this.dataSource.getRepository(Organisation).findOneBy({ id });
    if (!organisation) throw new OrganisationNotFoundError();
    return organisation;
  }

  /** The own record when it may be edited to `scope` ('full' record, or 'contact' details only); NotEditableError otherwise. */
  async getOwnEditable(actor: Actor, scope: 'full' | 'contact'): Promise<Organisation> {
    const organisation = await this.getOwn(actor);
    const allowed = editScope(organisation.status);
    if (allowed === 'none' || (scope === 'full' && allowed !== 'full')) throw new NotEditableError(organisation.status);
    return organisation;
  }

  /** Everything the organisation's own page shows. */
  async viewOwn(actor: Actor): Promise<OwnOrganisationView> {
    const organisation = await this.getOwn(actor);
    const [documents, members, history] = await Promise.all([
      this.documents.listFor(OWNER_TYPE, organisation.id),
      this.identity.listUsers({ organisationId: organisation.id }),
      this.audit.list({ entityType: OWNER_TYPE, entityId: organisation.id, page: 1, pageSize: 100 }),
    ]);
    return { organisation, documents, members, history: history.data };
  }

  /** Corrects the whole record (draft or after a request for changes). */
  async updateOwn(actor: Actor, input: OrganisationDetailsInput): Promise<Organisation> {
    const catalogueOrder = await this.catalogue.activeCategoryCodes();
    try {
      return await this.dataSource.transaction(async (manager) => {
        const organisation = await lockOrganisation(manager, ownOrganisationId(actor));
        if (editScope(organisation.status) !== 'full') throw new NotEditableError(organisation.status);
        const columns = await this.checkedColumns(manager, input, catalogueOrder);
        if (columns.creditCode !== organisation.creditCode && (await manager.exists(Organisation, { where: { creditCode: columns.creditCode } }))) {
          throw new CreditCodeTakenError();
        }
        return this.applyChanges(manager, actor, organisation, columns, 'organisation.updated');
      });
    } catch (error) {
      if (isUniqueViolation(error, 'organisations_credit_code_key')) throw new CreditCodeTakenError();
      throw error;
    }
  }

  /** Contact person and phone: what an approved (or suspended) organisation may still change itself. */
  async updateOwnContact(actor: Actor, input: ContactInput): Promise<Organisation> {
    return this.dataSource.transaction(async (manager) => {
      const organisation = await lockOrganisation(manager, ownOrganisationId(actor));
      if (editScope(organisation.status) === 'none') throw new NotEditableError(organisation.status);
      return this.applyChanges(manager, actor, organisation, { contactPerson: input.contactPerson, contactPhone: input.contactPhone }, 'organisation.contact_updated');
    });
  }

  private async applyChanges(manager: EntityManager, actor: Actor, organisation: Organisation, columns: Partial<DetailColumns>, action: string): Promise<Organisation> {
    const change = changedFields<Partial<DetailColumns>>(organisation, columns);
    if (!change) return organisation;
    const now = await this.clock.now(manager);
    await manager.update(Organisation, { id: organisation.id }, { ...change.after, updatedAt: now });
    await this.audit.record(manager, actor, { action, entityType: OWNER_TYPE, entityId: organisation.id, before: change.before, after: change.after });
    return { ...organisation, ...change.after, updatedAt: now } as Organisation;
  }

  /** Sends the record for review: draft or needs_changes → submitted; a registered organisation needs its certificate first. */
  async submitOwn(actor: Actor): Promise<Organisation> {
    return this.dataSource.transaction(async (manager) => {
      const organisation = await lockOrganisation(manager, ownOrganisationId(actor));
      const check = checkTransition({ action: 'submit', current: organisation.status });
      if (!check.ok) throw new TransitionNotAllowedError('submit', organisation.status);
      const kinds = (await this.documents.listFor(OWNER_TYPE, organisation.id, manager)).map((d) => d.kind);
      if (submissionProblem(organisation.registrationTrack, kinds)) throw new CertificateRequiredError();
      const now = await this.clock.now(manager);
      const changes = { status: check.to, statusReason: null, statusChangedAt: now, statusChangedBy: actor.userId, submittedAt: now, updatedAt: now };
      await manager.update(Organisation, { id: organisation.id }, changes);
      await this.audit.record(manager, actor, {
        action: 'organisation.submitted',
        entityType: OWNER_TYPE,
        entityId: organisation.id,
        before: { status: organisation.status },
        after: { status: check.to },
      });
      // The vetting queue has a new entry: officers are told.
      await this.notifications.notify(manager, {
        recipients: { roles: ['bureau_officer'] },
        kind: 'organisation.submitted',
        titleKey: 'organisations.notifications.submitted',
        params: { name: organisation.nameZh },
        link: `/staff/organisations/${organisation.id}`,
      });
      return { ...organisation, ...changes };
    });
  }

  // ── Documents ────────────────────────────────────────────────────────────────────────────────

  /** Stores a document of the actor's organisation (draft or needs_changes only); the bytes decide its type. */
  async uploadOwnDocument(actor: Actor, input: { kind: OrganisationDocumentKind; originalName: string; buffer: Buffer | undefined }): Promise<DocumentMetadata> {
    return this.dataSource.transaction(async (manager) => {
      const organisation = await lockOrganisation(manager, ownOrganisationId(actor));
      if (!canChangeDocuments(organisation.status)) throw new NotEditableError(organisation.status);
      const document = await this.documents.store(manager, {
        ownerType: OWNER_TYPE,
        ownerId: organisation.id,
        kind: input.kind,
        originalName: input.originalName,
        buffer: input.buffer,
        uploadedBy: actor.userId,
        field: 'file',
      });
      await this.audit.record(manager, actor, {
        action: 'organisation.document_uploaded',
        entityType: OWNER_TYPE,
        entityId: organisation.id,
        details: { documentId: document.id, kind: document.kind, originalName: document.originalName, contentType: document.contentType, sizeBytes: document.sizeBytes, sha256: document.sha256 },
      });
      return document;
    });
  }

  /** Withdraws a document uploaded by mistake (draft or needs_changes only); the bytes stay for the audit trail. */
  async removeOwnDocument(actor: Actor, documentId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const organisation = await lockOrganisation(manager, ownOrganisationId(actor));
      const document = (await this.documents.listFor(OWNER_TYPE, organisation.id, manager)).find((d) => d.id === documentId);
      if (!document) throw new OrganisationDocumentNotFoundError();
      if (!canChangeDocuments(organisation.status)) throw new NotEditableError(organisation.status);
      await this.documents.markDeleted(manager, document.id);
      await this.audit.record(manager, actor, {
        action: 'organisation.document_removed',
        entityType: OWNER_TYPE,
        entityId: organisation.id,
        details: { documentId: document.id, kind: document.kind, originalName: document.originalName },
      });
    });
  }

  /** A document of the actor's own organisation; another organisation's looks exactly like a missing one. */
  async loadOwnDocument(actor: Actor, documentId: string): Promise<LoadedDocument> {
    return this.loadDocumentOf(ownOrganisationId(actor), documentId);
  }

  /**
   * A document of organisation `organisationId`, for readers the caller has already checked
   * (bureau staff and auditors): not found unless it belongs to that organisation.
   */
  async loadDocumentOf(organisationId: string, documentId: string): Promise<LoadedDocument> {
    let document: LoadedDocument;
    try {
      document = await this.documents.load(documentId);
    } catch (error) {
      if (error instanceof DocumentNotFoundError) throw new OrganisationDocumentNotFoundError();
      throw error;
    }
    if (document.ownerType !== OWNER_TYPE || document.ownerId !== organisationId) throw new OrganisationDocumentNotFoundError();
    return document;
  }
}

/** Several refusals of one registration as one error, every field's messages together. */
function mergedRegistrationError(errors: DomainError[]): ValidationFailedError {
  const fields: FieldErrors = {};
  for (const error of errors) for (const [name, messages] of Object.entries(error.fields ?? {})) fields[name] = [...(fields[name] ?? []), ...messages];
  return new ValidationFailedError(fields, 'The registration is incomplete or invalid', 'ORGANISATIONS.REGISTRATION_INVALID');
}
