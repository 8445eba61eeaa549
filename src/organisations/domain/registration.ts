import { formatMinor, parseYuanToMinor } from '../../common/money/money';

/**
 * Registration rules of a social organisation that go beyond the shape of the form (pure: plain
 * data in, problems out; the caller passes today's date and the configured minimum).
 */
export const REGISTRATION_TRACKS = ['registered', 'filed'] as const;
export type RegistrationTrack = (typeof REGISTRATION_TRACKS)[number];

export const ORGANISATION_TYPES = ['social_service_agency', 'social_group', 'foundation', 'community_organisation'] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export const EVALUATION_GRADES = ['none', '1A', '2A', '3A', '4A', '5A'] as const;
export type EvaluationGrade = (typeof EVALUATION_GRADES)[number];

export const DOCUMENT_KINDS = ['registration_certificate', 'articles_of_association', 'other'] as const;
export type OrganisationDocumentKind = (typeof DOCUMENT_KINDS)[number];

/** An i18n key (under `validation.`) and its parameters, for one form field. */
export interface Problem {
  key: string;
  params?: Record<string, unknown>;
}

export type Problems = Record<string, Problem[]>;

export interface RegistrationFacts {
  /** As typed, in yuan ("30000", "3,000.50", "¥5000"). */
  registeredCapitalYuan: string;
  /** YYYY-MM-DD. */
  foundedOn: string;
  staffCount: number;
  socialWorkerCount: number;
  serviceCategories: readonly string[];
}

export interface RegistrationContext {
  /** Today in Asia/Shanghai, YYYY-MM-DD. */
  today: string;
  minRegisteredCapitalMinor: number;
  /** Codes of the active catalogue categories. */
  knownCategories: readonly string[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (2024-02-29 yes, 2023-02-29 no). */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function capitalProblem(raw: string, minMinor: number): Problem | null {
  const minor = parseYuanToMinor(raw);
  if (minor === null) return { key: 'validation.organisationCapitalFormat' };
  if (minor < minMinor) return { key: 'validation.organisationCapitalBelowMinimum', params: { min: formatMinor(minMinor) } };
  return null;
}

export function foundingDateProblem(foundedOn: string, today: string): Problem | null {
  if (!isCalendarDate(foundedOn)) return { key: 'validation.organisationDate' };
  // ISO dates compare as strings.
  if (foundedOn > today) return { key: 'validation.organisationFoundedInFuture', params: { today } };
  return null;
}

export function socialWorkersProblem(staffCount: number, socialWorkerCount: number): Problem | null {
  return socialWorkerCount > staffCount ? { key: 'validation.organisationSocialWorkersExceedStaff', params: { staff: staffCount } } : null;
}

export function categoriesProblem(codes: readonly string[], known: readonly string[]): Problem | null {
  if (codes.length === 0) return { key: 'validation.organisationCategoriesRequired' };
  const unknown = codes.find((code) => !known.includes(code));
  if (unknown !== undefined) return { key: 'validation.organisationCategoryUnknown', params: { code: unknown } };
  return null;
}

/** Every rule broken, by form field; empty when the registration may be stored. */
export function registrationProblems(facts: RegistrationFacts, context: RegistrationContext): Problems {
  const problems: Problems = {};
  const add = (field: string, problem: Problem | null) => {
    if (problem) (problems[field] ??= []).push(problem);
  };
  add('registeredCapitalYuan', capitalProblem(facts.registeredCapitalYuan, context.minRegisteredCapitalMinor));
  add('foundedOn', foundingDateProblem(facts.foundedOn, context.today));
  add('socialWorkerCount', socialWorkersProblem(facts.staffCount, facts.socialWorkerCount));
  add('serviceCategories', categoriesProblem(facts.serviceCategories, context.knownCategories));
  return problems;
}

/** A registered (登记) organisation proves it with its registration certificate before review. */
export function submissionProblem(track: RegistrationTrack, documentKinds: readonly string[]): 'certificate_required' | null {
  return track === 'registered' && !documentKinds.includes('registration_certificate') ? 'certificate_required' : null;
}

/** The same categories in catalogue order, without duplicates. */
export function orderCategories(codes: readonly string[], catalogueOrder: readonly string[]): string[] {
  const wanted = new Set(codes);
  return catalogueOrder.filter((code) => wanted.has(code));
}
