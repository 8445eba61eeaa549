import { eligibilityProblems } from './eligibility';

const org = { id: 'o1', status: 'approved', serviceCategories: ['C01', 'C02'], socialWorkerCount: 5, evaluationGrade: '3A' };
const project = { method: 'open_tender', eligibilityCategories: true, categoryCodes: ['C01'], eligibilityMinSocialWorkers: null, eligibilityMinGrade: null, invitedOrganisationIds: [] };

describe('eligibility to bid', () => {
  it('lets an approved organisation registered for the categories bid', () => {
    expect(eligibilityProblems(org, project)).toEqual([]);
  });

  it('refuses organisations not approved, or suspended', () => {
    expect(eligibilityProblems({ ...org, status: 'submitted' }, project)).toEqual(['procurement.eligibility.notApproved']);
    expect(eligibilityProblems({ ...org, status: 'suspended' }, project)).toEqual(['procurement.eligibility.suspended']);
  });

  it('requires every category of the project unless the project waives it', () => {
    const twoCategories = { ...project, categoryCodes: ['C01', 'C05'] };
    expect(eligibilityProblems(org, twoCategories)).toEqual(['procurement.eligibility.categoryNotRegistered']);
    expect(eligibilityProblems(org, { ...twoCategories, eligibilityCategories: false })).toEqual([]);
  });

  it('checks the minimum number of qualified social workers and the grade', () => {
    expect(eligibilityProblems(org, { ...project, eligibilityMinSocialWorkers: 5 })).toEqual([]);
    expect(eligibilityProblems(org, { ...project, eligibilityMinSocialWorkers: 6 })).toEqual(['procurement.eligibility.tooFewSocialWorkers']);
    expect(eligibilityProblems(org, { ...project, eligibilityMinGrade: '3A' })).toEqual([]);
    expect(eligibilityProblems(org, { ...project, eligibilityMinGrade: '4A' })).toEqual(['procurement.eligibility.gradeTooLow']);
    expect(eligibilityProblems({ ...org, evaluationGrade: 'none' }, { ...project, eligibilityMinGrade: '1A' })).toEqual(['procurement.eligibility.gradeTooLow']);
  });

  it('admits only the invited organisation to a single-source project', () => {
    const single = { ...project, method: 'single_source', invitedOrganisationIds: ['o1'] };
    expect(eligibilityProblems(org, single)).toEqual([]);
    expect(eligibilityProblems({ ...org, id: 'o2' }, single)).toEqual(['procurement.eligibility.notInvited']);
  });

  it('reports every problem at once', () => {
    expect(eligibilityProblems({ ...org, status: 'draft', socialWorkerCount: 0 }, { ...project, categoryCodes: ['C09'], eligibilityMinSocialWorkers: 1 })).toHaveLength(3);
  });
});
