import { formatHoursCenti, roundFor } from './delivery-rules';

describe('roundFor', () => {
  it('takes the first delivery while pending and the second in rectification', () => {
    expect(roundFor('pending')).toBe(1);
    expect(roundFor('rectification')).toBe(2);
  });

  it.each(['delivered', 'under_evaluation', 'passed', 'failed', 'cancelled'])('takes none when %s', (status) => {
    expect(roundFor(status)).toBeNull();
  });
});

describe('formatHoursCenti', () => {
  it.each([
    [150, '1.5'],
    [200, '2'],
    [25, '0.25'],
    [5, '0.05'],
    [0, '0'],
    [1234567, '12345.67'],
  ])('%i hundredths → %s hours', (centi, text) => {
    expect(formatHoursCenti(centi)).toBe(text);
  });
});
