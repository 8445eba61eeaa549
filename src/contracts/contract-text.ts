import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import hbs from 'hbs';
import { formatMinor } from '../common/money/money';
import { formatBp } from '../procurement/domain/milestones';
import { formatLocal } from '../procurement/domain/local-time';
import { ContractItem, ContractParties } from './contract.entity';
import { amountInWords } from './domain/amount-in-words';
import { ContractMilestoneTerms } from './domain/contract-terms';
import { VIEWS_DIR } from '../common/views/partials';

/**
 * The contract text, rendered once at generation from views/contracts/text/contract.zh-CN.hbs
 * and stored with its sha256: what both sides confirm and the public board shows is exactly
 * that text. Plain text (no HTML escaping here; pages escape it when they show it).
 */
export const CONTRACT_TEMPLATE = path.join(VIEWS_DIR, 'contracts', 'text', 'contract.zh-CN.hbs');

export interface ContractTextInput {
  reference: string;
  project: { reference: string; title: string; methodName: string; serviceArea: string };
  award: { awardedAt: Date; challengePeriodEndText: string };
  parties: ContractParties;
  items: ContractItem[];
  serviceStart: string;
  serviceEnd: string;
  amountMinor: number;
  milestones: ContractMilestoneTerms[];
  settlementMethod: string;
  /** The project's payment terms fixed at publication, as sentences (payment-terms.presenter). */
  paymentTerms: string[];
  deliveryPlan: Array<{ milestone: number; milestoneName: string; plan: string }>;
}

let compiled: ((context: unknown) => string) | null = null;

function template(): (context: unknown) => string {
  compiled ??= hbs.handlebars.compile(fs.readFileSync(CONTRACT_TEMPLATE, 'utf8'), { noEscape: true, strict: true });
  return compiled;
}

const yuan = (minor: number) => `${formatMinor(minor).replace('¥', '')} 元`;

export function renderContractText(input: ContractTextInput): { text: string; sha256: string } {
  const text = template()({
    ...input,
    award: { awardedAt: formatLocal(input.award.awardedAt), challengePeriodEndsAt: input.award.challengePeriodEndText },
    items: input.items.map((i) => ({ ...i, notes: i.notes ?? '' })),
    paymentTerms: input.paymentTerms.map((line, i) => `（${i + 1}）${line}`),
    amount: yuan(input.amountMinor),
    amountInWords: amountInWords(input.amountMinor),
    milestones: input.milestones.map((m) => ({
      position: m.position,
      name: m.name,
      dueDate: m.dueDate,
      deliverables: m.deliverables,
      share: formatBp(m.paymentShareBp),
      amount: yuan(m.amountMinor),
      indicators: m.indicators.map((i) => `${i.nameZh} ${i.weight} 分`).join('、'),
    })),
  }).replace(/\n{3,}/g, '\n\n');
  return { text, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}
