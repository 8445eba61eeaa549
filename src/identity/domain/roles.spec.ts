import { roleSetProblem } from './roles';

describe('role sets', () => {
  it('allows several staff roles together', () => {
    expect(roleSetProblem(['bureau_officer', 'auditor'], false)).toBeNull();
  });
  it('keeps organisation members out of staff and evaluator roles', () => {
    expect(roleSetProblem(['org_member', 'evaluator'], true)).toBe('mixed');
    expect(roleSetProblem(['org_member'], false)).toBe('organisation');
    expect(roleSetProblem(['bureau_officer'], true)).toBe('organisation');
    expect(roleSetProblem(['org_admin'], true)).toBe('org_admin_without_member');
    expect(roleSetProblem([], false)).toBe('empty');
    expect(roleSetProblem(['superuser'], false)).toBe('unknown');
  });
  it('keeps the finance department apart from the purchaser it supervises (政府采购法 第十三条)', () => {
    expect(roleSetProblem(['finance_supervisor'], false)).toBeNull();
    expect(roleSetProblem(['finance_supervisor', 'auditor'], false)).toBeNull();
    expect(roleSetProblem(['finance_supervisor', 'bureau_approver'], false)).toBe('finance_independent');
    expect(roleSetProblem(['finance_supervisor', 'evaluator'], false)).toBe('finance_independent');
    expect(roleSetProblem(['org_member', 'finance_supervisor'], true)).toBe('mixed');
  });
});
