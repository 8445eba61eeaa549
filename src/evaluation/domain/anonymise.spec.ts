import { anonymise, letterFor } from './anonymise';

describe('anonymised bidders', () => {
  it('letters bids by sorted bid id, not by organisation or submission order', () => {
    const letters = anonymise(['f0000000-0000-4000-8000-000000000000', '10000000-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000000']);
    expect([...letters.entries()]).toEqual([
      ['10000000-0000-4000-8000-000000000000', 'A'],
      ['a0000000-0000-4000-8000-000000000000', 'B'],
      ['f0000000-0000-4000-8000-000000000000', 'C'],
    ]);
  });

  it('keeps a bid letter stable whatever order the ids come in', () => {
    const ids = ['c', 'a', 'b'];
    expect(anonymise(ids).get('b')).toBe(anonymise([...ids].reverse()).get('b'));
  });

  it('goes on after Z with AA, AB', () => {
    expect([0, 25, 26, 27, 51, 52].map(letterFor)).toEqual(['A', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });
});
