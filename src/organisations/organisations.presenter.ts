import { minorToYuanInput } from '../common/money/money';
import { ApiProperty } from '@nestjs/swagger';
import type { AuditEvent } from '../audit/audit-event.entity';
import type { DocumentMetadata } from '../documents/documents.service';
import { isPreviewable } from '../documents/upload';
import type { User } from '../identity/user.entity';
import { DOCUMENT_KINDS, EVALUATION_GRADES, ORGANISATION_TYPES, REGISTRATION_TRACKS, submissionProblem } from './domain/registration';
import { OrganisationStatus, TRANSITIONS, availableDecisions, canChangeDocuments, canSubmit, editScope } from './domain/vetting';
import type { StatusFilter } from './dto/list-organisations.query';
import type { Organisation } from './organisation.entity';

/** A catalogue category as the pages name it (`l10n this "name"`). */
export interface CategoryRef {
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface OptionView {
  code: string;
  labelKey: string;
}

const options = (codes: readonly string[], prefix: string): OptionView[] => codes.map((code) => ({ code, labelKey: `${prefix}.${code}` }));

/** Select, radio and checkbox choices of the organisation forms, labelled from the translation files. */
export function formOptions() {
  return {
    tracks: options(REGISTRATION_TRACKS, 'organisations.tracks'),
    types: options(ORGANISATION_TYPES, 'organisations.types'),
    grades: options(EVALUATION_GRADES, 'organisations.grades'),
    documentKinds: options(DOCUMENT_KINDS, 'organisations.documentKinds'),
  };
}

/** Values of a checkbox group as posted (nothing, one value or several). */
export function postedList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function categoriesOf(codes: string[], catalogue: CategoryRef[]): CategoryRef[] {
  return codes.map((code) => catalogue.find((c) => c.code === code) ?? { code, nameZh: code, nameEn: code });
}

export interface RecordView {
  id: string;
  nameZh: string;
  creditCode: string;
  status: OrganisationStatus;
  statusKey: string;
  trackKey: string;
  /** 登记 / 备案, for lists. */
  trackShortKey: string;
  typeKey: string;
  gradeKey: string;
  hasGrade: boolean;
  registeringAuthority: string;
  legalRepresentative: string;
  contactPerson: string;
  contactPhone: string;
  subDistrict: string;
  community: string;
  streetAddress: string;
  foundedOn: string;
  registeredCapitalMinor: number;
  categories: CategoryRef[];
  staffCount: number;
  socialWorkerCount: number;
  submittedAt: Date | null;
  approvedAt: Date | null;
  createdAt: Date;
}

export function presentRecord(o: Organisation, catalogue: CategoryRef[]): RecordView {
  return {
    id: o.id,
    nameZh: o.nameZh,
    creditCode: o.creditCode,
    status: o.status,
    statusKey: `organisations.status.${o.status}`,
    trackKey: `organisations.tracks.${o.registrationTrack}`,
    trackShortKey: `organisations.tracksShort.${o.registrationTrack}`,
    typeKey: `organisations.types.${o.organisationType}`,
    gradeKey: `organisations.grades.${o.evaluationGrade}`,
    hasGrade: o.evaluationGrade !== 'none',
    registeringAuthority: o.registeringAuthority,
    legalRepresentative: o.legalRepresentative,
    contactPerson: o.contactPerson,
    contactPhone: o.contactPhone,
    subDistrict: o.subDistrict,
    community: o.community,
    streetAddress: o.streetAddress,
    foundedOn: o.foundedOn,
    registeredCapitalMinor: o.registeredCapitalMinor,
    categories: categoriesOf(o.serviceCategories, catalogue),
    staffCount: o.staffCount,
    socialWorkerCount: o.socialWorkerCount,
    submittedAt: o.submittedAt,
    approvedAt: o.approvedAt,
    createdAt: o.createdAt,
  };
}

/** The form values of the edit page: the record as stored, capital back in yuan. */
export function detailValues(o: Organisation): Record<string, unknown> {
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
    registeredCapitalYuan: minorToYuanInput(o.registeredCapitalMinor),
    organisationType: o.organisationType,
    staffCount: o.staffCount,
    socialWorkerCount: o.socialWorkerCount,
    evaluationGrade: o.evaluationGrade,
  };
}

/** Why the record is in its status, as the organisation reads it. */
export function statusPanel(o: Organisation) {
  const reasonLabels: Partial<Record<OrganisationStatus, string>> = {
    needs_changes: 'organisations.reasonLabel.needs_changes',
    rejected: 'organisations.reasonLabel.rejected',
    suspended: 'organisations.reasonLabel.suspended',
    approved: 'organisations.reasonLabel.approved',
  };
  const reasonLabelKey = reasonLabels[o.status];
  return {
    status: o.status,
    statusKey: `organisations.status.${o.status}`,
    explainKey: `organisations.statusExplain.${o.status}`,
    reason: reasonLabelKey ? o.statusReason : null,
    reasonLabelKey: reasonLabelKey ?? null,
    changedAt: o.statusChangedAt,
  };
}

/** What the organisation has to do now, in order (keys under organisations.next). */
export function nextSteps(o: Organisation, documents: Pick<DocumentMetadata, 'kind'>[]): string[] {
  const missingCertificate =
    submissionProblem(
      o.registrationTrack,
      documents.map((d) => d.kind),
    ) !== null;
  switch (o.status) {
    case 'draft':
      return [...(missingCertificate ? ['uploadCertificate'] : []), 'checkRecord', 'submit'];
    case 'needs_changes':
      return ['readReason', 'fixRecord', ...(missingCertificate ? ['uploadCertificate'] : []), 'resubmit'];
    case 'submitted':
      return ['waitForReview'];
    case 'approved':
      return ['canBid', 'keepContactCurrent'];
    case 'suspended':
      return ['suspended'];
    case 'rejected':
      return ['rejected'];
  }
}

export interface DocumentView {
  id: string;
  kindKey: string;
  originalName: string;
  typeLabel: string;
  sizeLabel: string;
  uploadedAt: Date;
  href: string;
  /** Staff open PDFs and images in the browser; null where there is no preview. */
  previewHref: string | null;
}

export function formatBytes(bytes: number): string {
  const one = (n: number) => String(Math.round(n * 10) / 10);
  if (bytes >= 1024 * 1024) return `${one(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${one(bytes / 1024)} KB`;
  return `${bytes} B`;
}

const TYPE_LABELS: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

export function presentDocuments(documents: DocumentMetadata[], hrefBase: string, options: { preview?: boolean } = {}): DocumentView[] {
  return documents.map((d) => ({
    id: d.id,
    kindKey: `organisations.documentKinds.${d.kind}`,
    originalName: d.originalName,
    typeLabel: TYPE_LABELS[d.contentType] ?? d.contentType,
    sizeLabel: formatBytes(d.sizeBytes),
    uploadedAt: d.uploadedAt,
    href: `${hrefBase}/${d.id}`,
    previewHref: options.preview && isPreviewable(d.contentType) ? `${hrefBase}/${d.id}/preview` : null,
  }));
}

/** The audit actions shown as the organisation's history (the rest stay in the audit log). */
const DECISION_ACTIONS = ['registered', 'submitted', 'approved', 'changes_requested', 'rejected', 'suspended', 'reinstated'];
const STAFF_ACTIONS = [...DECISION_ACTIONS, 'updated', 'contact_updated', 'document_uploaded', 'document_removed', 'member_added', 'member_deactivated', 'decision_refused'];

export interface HistoryItem {
  occurredAt: Date;
  occurredAtIso: string;
  labelKey: string;
  /** The reason or note shown to the organisation. */
  reason: string | null;
  /** A file name, an email, or nothing. */
  detail: string | null;
  /** For a refused decision: what was attempted. */
  decisionKey: string | null;
  actorName: string | null;
  actorRoleKeys: string[];
  isRefusal: boolean;
}

export function presentHistory(events: AuditEvent[], options: { staff: boolean; actorNames?: Record<string, string> }): HistoryItem[] {
  const shown = options.staff ? STAFF_ACTIONS : DECISION_ACTIONS;
  return events
    .filter((e) => e.action.startsWith('organisation.') && shown.includes(e.action.slice('organisation.'.length)))
    .map((e) => {
      const kind = e.action.slice('organisation.'.length);
      const details = (e.summary?.details ?? {}) as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
      return {
        occurredAt: e.occurredAt,
        occurredAtIso: e.occurredAt.toISOString(),
        labelKey: `organisations.history.${kind}`,
        reason: text(details.reason),
        detail: text(details.originalName) ?? text(details.email),
        decisionKey: kind === 'decision_refused' && typeof details.decision === 'string' ? `organisations.decisions.${details.decision}` : null,
        actorName: options.staff && e.actorId ? (options.actorNames?.[e.actorId] ?? null) : null,
        actorRoleKeys: e.actorRoles.filter((r) => r !== 'system').map((r) => (r === 'anonymous' ? 'organisations.history.applicant' : `identity.roles.${r}`)),
        isRefusal: kind === 'decision_refused',
      };
    });
}

export interface MemberView {
  id: string;
  displayName: string;
  email: string;
  roleKeys: string[];
  isActive: boolean;
  isSelf: boolean;
  awaitsPassword: boolean;
  canDeactivate: boolean;
  canReissueLink: boolean;
}

export function presentMembers(members: User[], viewer: { userId: string | null; roles: string[] }): MemberView[] {
  const isAdmin = viewer.roles.includes('org_admin');
  const activeAdmins = members.filter((m) => m.isActive && m.roles.includes('org_admin')).length;
  return [...members]
    .sort((a, b) => Number(b.isActive) - Number(a.isActive) || a.createdAt.getTime() - b.createdAt.getTime())
    .map((m) => {
      const isSelf = m.id === viewer.userId;
      return {
        id: m.id,
        displayName: m.displayName,
        email: m.email,
        roleKeys: (m.roles.includes('org_admin') ? ['org_admin'] : ['org_member']).map((r) => `identity.roles.${r}`),
        isActive: m.isActive,
        isSelf,
        awaitsPassword: m.mustChangePassword,
        canDeactivate: isAdmin && !isSelf && m.isActive && !(m.roles.includes('org_admin') && activeAdmins <= 1),
        canReissueLink: isAdmin && !isSelf && m.isActive && m.mustChangePassword,
      };
    });
}

/** What the organisation's own page offers, from the record's status and the viewer's role. */
export function ownPermissions(o: Organisation, viewerRoles: string[]) {
  const scope = editScope(o.status);
  return {
    editFull: scope === 'full',
    editContact: scope === 'contact',
    submit: canSubmit(o.status),
    changeDocuments: canChangeDocuments(o.status),
    manageMembers: viewerRoles.includes('org_admin'),
  };
}

/** The decision buttons an officer sees for the record's current status. */
export function decisionForm(o: Organisation, viewerRoles: string[]) {
  if (!viewerRoles.includes('bureau_officer')) return null;
  const actions = availableDecisions(o.status).map((code) => ({
    code,
    labelKey: `organisations.decisions.${code}`,
    reasonRequired: TRANSITIONS[code].reason === 'required',
    isPrimary: code === 'approve' || code === 'reinstate',
  }));
  return { expectedStatus: o.status, expectedStatusChangedAt: o.statusChangedAt.toISOString(), actions, hasActions: actions.length > 0, noActionsKey: `organisations.staff.noDecision.${o.status}` };
}

/** Filter tabs of the staff queue, with counts. */
export function statusTabs(counts: Record<OrganisationStatus, number>, current: StatusFilter, q: string | undefined) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const order: StatusFilter[] = ['submitted', 'needs_changes', 'approved', 'suspended', 'rejected', 'draft', 'all'];
  return order.map((status) => {
    const params = new URLSearchParams({ status });
    if (q) params.set('q', q);
    return {
      status,
      labelKey: status === 'all' ? 'organisations.staff.allStatuses' : `organisations.status.${status}`,
      count: status === 'all' ? total : counts[status],
      href: `/staff/organisations?${params.toString()}`,
      isCurrent: status === current,
    };
  });
}

export function pageLinks(meta: { page: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(meta.total / meta.pageSize));
  return { page: meta.page, pages, total: meta.total, prev: meta.page > 1 ? meta.page - 1 : null, next: meta.page < pages ? meta.page + 1 : null };
}

// ── Public registry API ──────────────────────────────────────────────────────────────────────

export class RegistryCategoryView {
  @ApiProperty({ example: 'C01' }) code: string;
  @ApiProperty({ example: '养老服务' }) nameZh: string;
  @ApiProperty({ example: 'Elderly care' }) nameEn: string;
}

export class RegistryEntryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Registered Chinese name', example: '阳光社区服务中心' }) name: string;
  @ApiProperty({ description: 'Unified social credit code (GB 32100-2015)', example: '52310115MJ4888888X' }) creditCode: string;
  @ApiProperty({ enum: REGISTRATION_TRACKS, description: 'registered: 登记 with civil affairs; filed: 备案 with a community' }) registrationTrack: string;
  @ApiProperty({ enum: ORGANISATION_TYPES }) organisationType: string;
  @ApiProperty({ type: [RegistryCategoryView] }) serviceCategories: RegistryCategoryView[];
  @ApiProperty({ enum: EVALUATION_GRADES, description: 'Social organisation evaluation grade; none when not graded' }) evaluationGrade: string;
  @ApiProperty({ description: 'Registering authority', example: '浦东新区民政局' }) registeringAuthority: string;
  @ApiProperty({ example: '花木街道' }) subDistrict: string;
  @ApiProperty({ format: 'date-time', nullable: true }) approvedAt: Date | null;
}

export class RegistryPageMeta {
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export function presentRegistryEntry(o: Organisation, catalogue: CategoryRef[]): RegistryEntryView {
  return {
    id: o.id,
    name: o.nameZh,
    creditCode: o.creditCode,
    registrationTrack: o.registrationTrack,
    organisationType: o.organisationType,
    serviceCategories: categoriesOf(o.serviceCategories, catalogue).map((c) => ({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn })),
    evaluationGrade: o.evaluationGrade,
    registeringAuthority: o.registeringAuthority,
    subDistrict: o.subDistrict,
    approvedAt: o.approvedAt,
  };
}
