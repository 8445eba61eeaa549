import { EntityManager } from 'typeorm';
import { PaymentRules } from './domain/payment-rules';

/** The terms as copied onto a project at publication (migration FixPaymentTermsAtPublication). */
export interface FixedPaymentTerms extends PaymentRules {
  paymentRulesId: string;
  /** YYYY-MM-DD: the rules row's effective date. */
  effectiveFrom: string;
}

/**
 * The payment-by-results table of a contract: the one fixed when its project was published,
 * whatever rules are in force today. Every tranche, release and termination uses this.
 */
export async function paymentRulesOfContract(m: EntityManager, contractId: string): Promise<{ id: string; rules: PaymentRules }> {
  const [row] = (await m.query(`SELECT p.payment_terms FROM contracts c JOIN projects p ON p.id = c.project_id WHERE c.id = $1`, [contractId])) as Array<{
    payment_terms: FixedPaymentTerms | null;
  }>;
  const t = row?.payment_terms;
  if (!t) throw new Error(`contract ${contractId}: its project has no fixed payment terms`);
  return {
    id: t.paymentRulesId,
    rules: { excellentBp: t.excellentBp, goodBp: t.goodBp, passBp: t.passBp, failBp: t.failBp, passHoldbackReleaseMinGrade: t.passHoldbackReleaseMinGrade, retentionBp: t.retentionBp },
  };
}
