import { EntityManager } from 'typeorm';
import { PaymentRules } from './domain/payment-rules';

/** The payment-by-results rules in force on `now`'s date in Asia/Shanghai (the newest row effective by then). */
export async function paymentRulesAt(m: EntityManager, now: Date): Promise<{ id: string; rules: PaymentRules }> {
  const [r] = (await m.query(
    `SELECT id, excellent_bp, good_bp, pass_bp, fail_bp, pass_holdback_release_min_grade, retention_bp
       FROM payment_rules WHERE effective_from <= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date ORDER BY effective_from DESC LIMIT 1`,
    [now],
  )) as Array<{ id: string; excellent_bp: number; good_bp: number; pass_bp: number; fail_bp: number; pass_holdback_release_min_grade: 'excellent' | 'good'; retention_bp: number }>;
  return {
    id: r.id,
    rules: { excellentBp: r.excellent_bp, goodBp: r.good_bp, passBp: r.pass_bp, failBp: r.fail_bp, passHoldbackReleaseMinGrade: r.pass_holdback_release_min_grade, retentionBp: r.retention_bp },
  };
}
