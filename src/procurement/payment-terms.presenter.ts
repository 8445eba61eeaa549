import { Locale, translate } from '../i18n/i18n';
import { PaymentTerms, paymentTermsParams } from './domain/payment-terms';

/**
 * The fixed payment terms as sentences, the same wording on the tender documents, the award
 * notice and the contract text (zh-CN there), so what bidders priced is what is paid.
 */
export function describePaymentTerms(terms: PaymentTerms | null | undefined, locale: Locale): string[] {
  if (!terms) return [];
  const p = paymentTermsParams(terms);
  const grade = (g: string) => translate(locale, `procurement.paymentTerms.grades.${g}`);
  const lines = [
    translate(locale, 'procurement.paymentTerms.grade', { grade: grade('excellent'), percent: p.excellent }),
    translate(locale, 'procurement.paymentTerms.grade', { grade: grade('good'), percent: p.good }),
    p.hasHoldback
      ? translate(locale, 'procurement.paymentTerms.pass', { grade: grade('pass'), percent: p.pass, held: p.passHeld, release: grade(p.releaseGrade) })
      : translate(locale, 'procurement.paymentTerms.grade', { grade: grade('pass'), percent: p.pass }),
    translate(locale, 'procurement.paymentTerms.fail', { grade: grade('fail'), percent: p.fail }),
  ];
  if (p.hasRetention) lines.push(translate(locale, 'procurement.paymentTerms.retention', { percent: p.retention }));
  lines.push(translate(locale, 'procurement.paymentTerms.fixed', { date: p.effectiveFrom }));
  return lines;
}
