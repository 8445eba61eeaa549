import { EVALUATION_GRADES } from '../../organisations/domain/registration';

/**
 * Who may bid on (and ask questions about) a project. Pure: returns i18n keys, empty when the
 * organisation is eligible.
 */
export interface EligibilityOrganisation {
  id: string;
  status: string;
  serviceCategories: readonly string[];
  socialWorkerCount: number;
  /** An EvaluationGrade as stored (text). */
  evaluationGrade: string;
}

export interface EligibilityProject {
  method: string;
  /** Bidders must be registered for every catalogue category of the project's items. */
  eligibilityCategories: boolean;
  /** Catalogue categories of the project's items. */
  categoryCodes: readonly string[];
  eligibilityMinSocialWorkers: number | null;
  /** An EvaluationGrade as stored (text), or no minimum. */
  eligibilityMinGrade: string | null;
  /** Single source: the one invited organisation. Other methods: empty. */
  invitedOrganisationIds: readonly string[];
  /** Rule: only invited organisations may bid. */
  invitedOnly?: boolean;
}

export const ELIGIBILITY_KEYS = {
  notApproved: 'procurement.eligibility.notApproved',
  suspended: 'procurement.eligibility.suspended',
  categoryNotRegistered: 'procurement.eligibility.categoryNotRegistered',
  tooFewSocialWorkers: 'procurement.eligibility.tooFewSocialWorkers',
  gradeTooLow: 'procurement.eligibility.gradeTooLow',
  notInvited: 'procurement.eligibility.notInvited',
} as const;

export type EligibilityProblem = (typeof ELIGIBILITY_KEYS)[keyof typeof ELIGIBILITY_KEYS];

function gradeRank(grade: string | null | undefined): number {
  const rank = (EVALUATION_GRADES as readonly string[]).indexOf(grade ?? 'none');
  return rank < 0 ? 0 : rank;
}

export function eligibilityProblems(organisation: EligibilityOrganisation, project: EligibilityProject): EligibilityProblem[] {
  const problems: EligibilityProblem[] = [];
  if (organisation.status === 'suspended') problems.push(ELIGIBILITY_KEYS.suspended);
  else if (organisation.status !== 'approved') problems.push(ELIGIBILITY_KEYS.notApproved);
  if (project.method === 'single_source' || project.invitedOnly) {
    if (!project.invitedOrganisationIds.includes(organisation.id)) problems.push(ELIGIBILITY_KEYS.notInvited);
  }
  if (project.eligibilityCategories && project.categoryCodes.some((code) => !organisation.serviceCategories.includes(code))) {
    problems.push(ELIGIBILITY_KEYS.categoryNotRegistered);
  }
  if (project.eligibilityMinSocialWorkers !== null && organisation.socialWorkerCount < project.eligibilityMinSocialWorkers) {
    problems.push(ELIGIBILITY_KEYS.tooFewSocialWorkers);
  }
  if (project.eligibilityMinGrade && gradeRank(organisation.evaluationGrade) < gradeRank(project.eligibilityMinGrade)) {
    problems.push(ELIGIBILITY_KEYS.gradeTooLow);
  }
  return problems;
}
