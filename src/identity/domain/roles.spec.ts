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
});
