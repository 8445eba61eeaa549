import { computeTranche, holdbackRelease, DEFAULT_PAYMENT_RULES } from './domain/payment-rules';
import { StructureDisbursementExplanations1795603000000 } from '../../migrations/1795603000000-StructureDisbursementExplanations';
import { percentOf, renderExplanation } from './explanation.presenter';

const convertTrancheExplanation = StructureDisbursementExplanations1795603000000.convert;

describe('computed explanations, rendered per locale', () => {
  // ¥69,000.00 tranche scored 83.00 (good, 100 %): the demo's 同心 milestone 1.
  const good = computeTranche({ trancheMinor: 6_900_000, scoreCenti: 8300, rules: DEFAULT_PAYMENT_RULES });
  // ¥85,800.00 scored 65.50 (pass, 90 %): ¥77,220.00 now, ¥8,580.00 held back.
  const pass = computeTranche({ trancheMinor: 8_580_000, scoreCenti: 6550, rules: { ...DEFAULT_PAYMENT_RULES, retentionBp: 500 } });

  it('stores inputs, not sentences', () => {
    expect(good.explanation[0]).toEqual({ key: 'payments.explain.score', params: { scoreCenti: 8300, grade: 'good' } });
    expect(JSON.stringify(pass.explanation)).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('reads in Chinese with the one money format', () => {
    expect(renderExplanation(good.explanation, 'zh-CN')).toEqual(['评估得分 83.00，等级 良好（good）', '本期金额 ¥69,000.00 × 100% = ¥69,000.00（向下取整到分）', '本次应付 ¥69,000.00']);
  });

  it('reads in English, every line', () => {
    const en = renderExplanation(pass.explanation, 'en');
    expect(en[0]).toBe('Evaluation score 65.50, grade Pass (pass)');
    expect(en[1]).toBe('Tranche ¥85,800.00 × 90% = ¥77,220.00 (rounded down to the fen)');
    expect(en.join('\n')).toContain('Retention 5%: ¥3,861.00 kept until the final milestone passes');
    expect(en.join('\n')).toContain('Pass hold-back ¥8,580.00: paid when the final average grade reaches Good');
    expect(en.join('\n')).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('renders the hold-back release with the exact average', () => {
    const r = holdbackRelease(
      [
        { scoreCenti: 6550, holdbackMinor: 858_000 },
        { scoreCenti: 9000, holdbackMinor: 0 },
      ],
      DEFAULT_PAYMENT_RULES,
    );
    expect(renderExplanation([r.explanation], 'en')).toEqual(['Average score 77.75, grade Pass; hold-backs ¥8,580.00 in total, not paid']);
  });

  it('shows a line stored as text (rows written before) as it was', () => {
    expect(renderExplanation(['评估得分 90.15，等级 优秀（excellent）'], 'en')).toEqual(['评估得分 90.15，等级 优秀（excellent）']);
    expect(renderExplanation(null, 'en')).toEqual([]);
  });

  it('writes shares as percentages without float noise', () => {
    expect(percentOf(10000)).toBe('100%');
    expect(percentOf(9000)).toBe('90%');
    expect(percentOf(1250)).toBe('12.5%');
    expect(percentOf(5)).toBe('0.05%');
  });
});

describe('rows written before: the migration reads their numbers and text back into inputs', () => {
  const legacy = {
    grade: 'pass',
    shareBp: 9000,
    trancheMinor: 8_580_000,
    payableMinor: 7_335_900,
    retentionMinor: 386_100,
    holdbackMinor: 858_000,
    withheldMinor: 0,
    explanation: [
      '评估得分 65.50，等级 合格（pass）',
      '本期金额 ¥85800.00 × 90% = ¥77220.00（向下取整到分）',
      '质保金 5%：暂扣 ¥3861.00，末期通过后支付',
      '合格暂扣 ¥8580.00：终期评估平均等级达到良好后支付',
      '本次应付 ¥73359.00',
    ],
  };

  it('gives the same lines the rules compute today', () => {
    const today = computeTranche({ trancheMinor: 8_580_000, scoreCenti: 6550, rules: { ...DEFAULT_PAYMENT_RULES, retentionBp: 500 } });
    expect(convertTrancheExplanation(legacy)).toEqual(today.explanation);
    expect(renderExplanation(convertTrancheExplanation(legacy), 'en')[4]).toBe('Payable now: ¥73,359.00');
  });

  it('leaves a row it cannot read as it was', () => {
    expect(convertTrancheExplanation({ ...legacy, explanation: ['手工说明'] })).toBeNull();
    expect(convertTrancheExplanation({ ...legacy, grade: undefined })).toBeNull();
    expect(convertTrancheExplanation({ ...legacy, explanation: [today()] })).toBeNull();
  });

  function today() {
    return { key: 'payments.explain.score', params: { scoreCenti: 1, grade: 'fail' } };
  }
});
