/**
 * The payment-by-results terms fixed on a project when it is published (projects.payment_terms,
 * migration FixPaymentTermsAtPublication): the share of each milestone's amount paid per grade,
 * the grade whose average releases a pass's held-back part, and retention. Bidders price against
 * them, so they never change for that project; later rule changes reach only later projects. Pure.
 */
export interface PaymentTerms {
  paymentRulesId: string;
  /** YYYY-MM-DD: the effective date of the rules row copied. */
  effectiveFrom: string;
  excellentBp: number;
  goodBp: number;
  passBp: number;
  failBp: number;
  passHoldbackReleaseMinGrade: 'excellent' | 'good';
  retentionBp: number;
}

/** Basis points as a percentage without trailing zeros: 9000 → "90", 1250 → "12.5". */
export function percentOf(bp: number): string {
  return (bp / 100).toFixed(2).replace(/\.?0+$/, '');
}

/** The terms as the parameters of their sentences (one per grade, then hold-back and retention). */
export function paymentTermsParams(terms: PaymentTerms) {
  return {
    excellent: percentOf(terms.excellentBp),
    good: percentOf(terms.goodBp),
    pass: percentOf(terms.passBp),
    passHeld: percentOf(10000 - terms.passBp),
    fail: percentOf(terms.failBp),
    releaseGrade: terms.passHoldbackReleaseMinGrade,
    retention: percentOf(terms.retentionBp),
    hasRetention: terms.retentionBp > 0,
    hasHoldback: terms.passBp < 10000,
    effectiveFrom: terms.effectiveFrom,
  };
}
