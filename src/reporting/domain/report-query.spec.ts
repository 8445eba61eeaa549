import { parseReportQuery } from './report-query';

describe('report filter', () => {
  it('reads an empty filter as everything', () => {
    expect(parseReportQuery({})).toEqual({ query: {}, errors: {} });
    expect(parseReportQuery({ fundId: '', from: ' ', to: '' })).toEqual({ query: {}, errors: {} });
  });

  it('reads a fund and a range', () => {
    const id = '0E8C3F5A-1B2C-4D5E-8F90-123456789ABC';
    expect(parseReportQuery({ fundId: id, from: '2026-01-01', to: '2026-12-31' })).toEqual({ query: { fundId: id.toLowerCase(), from: '2026-01-01', to: '2026-12-31' }, errors: {} });
  });

  it('names each bad field', () => {
    expect(parseReportQuery({ fundId: "x' OR 1=1", from: '2026-02-30', to: '31/12/2026' }).errors).toEqual({
      fundId: 'reporting.validation.fund',
      from: 'reporting.validation.date',
      to: 'reporting.validation.date',
    });
    expect(parseReportQuery({ from: '2026-12-02', to: '2026-12-01' }).errors).toEqual({ to: 'reporting.validation.range' });
    expect(parseReportQuery({ from: ['2026-01-01', 'x'] }).query).toEqual({ from: '2026-01-01' });
    expect(parseReportQuery({ from: { a: 1 } }).errors).toEqual({});
  });
});
