import { hashDevice, hashPhone, normalisePhone } from './phone';

describe('phone normalisation', () => {
  it('reads the ways residents write a mainland mobile number', () => {
    for (const raw of ['13812345678', '138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '+8613812345678', '008613812345678', '8613812345678', '(138)1234.5678', '１３８１２３４５６７８']) {
      expect(normalisePhone(raw)).toBe('13812345678');
    }
  });

  it('refuses what is not a mainland mobile number', () => {
    for (const raw of ['', '1381234567', '138123456789', '12812345678', '028-85550000', '+1 415 555 0100', '13812345678a', 'abc', '+8612812345678', '138 1234 567８9']) {
      expect(normalisePhone(raw)).toBeNull();
    }
  });
});

describe('phone hashing', () => {
  const secret = 'k'.repeat(32);
  const survey = '7a1c2a5e-0000-4000-8000-000000000001';

  it('is the same for the same number however it was written, and never contains the number', () => {
    const a = hashPhone(secret, survey, normalisePhone('+86 138-1234-5678')!);
    const b = hashPhone(secret, survey, normalisePhone('13812345678')!);
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toContain('13812345678');
  });

  it('depends on the server secret and on the survey (answers to two surveys cannot be linked)', () => {
    const base = hashPhone(secret, survey, '13812345678');
    expect(hashPhone('z'.repeat(32), survey, '13812345678')).not.toBe(base);
    expect(hashPhone(secret, '7a1c2a5e-0000-4000-8000-000000000002', '13812345678')).not.toBe(base);
    expect(hashPhone(secret, survey, '13812345679')).not.toBe(base);
  });

  it('refuses a number that was not normalised', () => {
    expect(() => hashPhone(secret, survey, '138 1234 5678')).toThrow(RangeError);
  });

  it('hashes device tokens per survey too', () => {
    expect(hashDevice(secret, survey, 'tok')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashDevice(secret, survey, 'tok')).not.toBe(hashDevice(secret, '7a1c2a5e-0000-4000-8000-000000000002', 'tok'));
  });
});
