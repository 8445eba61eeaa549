import { normaliseExpertise } from './expertise';

const known = ['C01', 'C02', 'C03', 'C04'];

describe('evaluator expertise', () => {
  it('keeps known codes once, in catalogue order', () => {
    expect(normaliseExpertise(['C03', 'c01', 'C03'], known)).toEqual({ expertise: ['C01', 'C03'], unknown: [] });
  });

  it('reports codes that are not catalogue categories', () => {
    expect(normaliseExpertise(['C01', 'C99'], known)).toEqual({ expertise: ['C01'], unknown: ['C99'] });
  });
});
