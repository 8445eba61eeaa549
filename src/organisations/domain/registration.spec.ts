import {
  RegistrationFacts,
  capitalProblem,
  categoriesProblem,
  foundingDateProblem,
  isCalendarDate,
  orderCategories,
  registrationProblems,
  socialWorkersProblem,
  submissionProblem,
} from './registration';

const MIN = 300_000; // ¥3,000 in fen

describe('registered capital', () => {
  it.each([
    ['3000', 'exactly the minimum'],
    ['3,000.00', 'with a thousands separator and fen'],
    ['50,000', 'with a separator in a group of three'],
    ['1000000.5', 'with one decimal'],
  ])('accepts %s (%s)', (raw) => {
    expect(capitalProblem(raw, MIN)).toBeNull();
  });

  it('refuses one fen below the minimum and names the minimum', () => {
    expect(capitalProblem('2999.99', MIN)).toEqual({ key: 'validation.organisationCapitalBelowMinimum', params: { min: '¥3,000.00' } });
    expect(capitalProblem('0', MIN)).toMatchObject({ key: 'validation.organisationCapitalBelowMinimum' });
  });

  it('accepts zero when the bureau sets no minimum', () => {
    expect(capitalProblem('0', 0)).toBeNull();
  });

  it.each(['', 'abc', '-3000', '3000.123', '3万', '1e6', '¥50000', '30,00', '300 000'])('refuses %p as not an amount', (raw) => {
    expect(capitalProblem(raw, MIN)).toEqual({ key: 'validation.organisationCapitalFormat' });
  });
});

describe('founding date', () => {
  it('accepts today and any past date (Shanghai calendar, given by the caller)', () => {
    expect(foundingDateProblem('2026-11-24', '2026-11-24')).toBeNull();
    expect(foundingDateProblem('2008-05-12', '2026-11-24')).toBeNull();
  });

  it('refuses tomorrow', () => {
    expect(foundingDateProblem('2026-11-25', '2026-11-24')).toEqual({ key: 'validation.organisationFoundedInFuture', params: { today: '2026-11-24' } });
  });

  it.each(['2023-02-29', '2024-13-01', '2024-1-5', '24-01-05', 'yesterday', ''])('refuses %p as not a calendar date', (raw) => {
    expect(isCalendarDate(raw)).toBe(false);
    expect(foundingDateProblem(raw, '2026-11-24')).toEqual({ key: 'validation.organisationDate' });
  });

  it('knows leap years', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
  });
});

describe('social workers and staff', () => {
  it('accepts as many qualified social workers as staff, or fewer', () => {
    expect(socialWorkersProblem(12, 12)).toBeNull();
    expect(socialWorkersProblem(12, 3)).toBeNull();
    expect(socialWorkersProblem(0, 0)).toBeNull();
  });

  it('refuses more social workers than staff', () => {
    expect(socialWorkersProblem(5, 6)).toEqual({ key: 'validation.organisationSocialWorkersExceedStaff', params: { staff: 5 } });
  });
});

describe('service categories', () => {
  const known = ['C01', 'C02', 'C03'];

  it('needs at least one', () => {
    expect(categoriesProblem([], known)).toEqual({ key: 'validation.organisationCategoriesRequired' });
  });

  it('refuses a code the catalogue does not have, naming it', () => {
    expect(categoriesProblem(['C01', 'C99'], known)).toEqual({ key: 'validation.organisationCategoryUnknown', params: { code: 'C99' } });
  });

  it('puts the chosen codes in catalogue order without duplicates', () => {
    expect(orderCategories(['C03', 'C01', 'C03'], known)).toEqual(['C01', 'C03']);
  });
});

describe('registrationProblems', () => {
  const good: RegistrationFacts = { registeredCapitalYuan: '30000', foundedOn: '2019-03-01', staffCount: 10, socialWorkerCount: 4, serviceCategories: ['C01'] };
  const context = { today: '2026-11-24', minRegisteredCapitalMinor: MIN, knownCategories: ['C01', 'C02'] };

  it('finds nothing wrong with a sound registration', () => {
    expect(registrationProblems(good, context)).toEqual({});
  });

  it('reports every broken rule at once, by field', () => {
    const problems = registrationProblems({ registeredCapitalYuan: '100', foundedOn: '2030-01-01', staffCount: 2, socialWorkerCount: 3, serviceCategories: [] }, context);
    expect(Object.keys(problems).sort()).toEqual(['foundedOn', 'registeredCapitalYuan', 'serviceCategories', 'socialWorkerCount']);
  });
});

describe('submission', () => {
  it('requires a registration certificate from a registered (登记) organisation', () => {
    expect(submissionProblem('registered', [])).toBe('certificate_required');
    expect(submissionProblem('registered', ['articles_of_association', 'other'])).toBe('certificate_required');
    expect(submissionProblem('registered', ['registration_certificate'])).toBeNull();
  });

  it('does not require one from an organisation filed (备案) with its community', () => {
    expect(submissionProblem('filed', [])).toBeNull();
  });
});
