/**
 * Rules of the Stripe rail, pure: idempotency keys, back-off, how a Stripe error is read, which
 * existing transfer belongs to a disbursement, and reconciliation of Stripe's transfers with ours.
 */

/** One key per disbursement and transfer generation: retries of one generation reuse it; a staff retry starts a new one. */
export function transferIdempotencyKey(disbursementId: string, generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 1) throw new Error(`generation must be ≥ 1, not ${generation}`);
  return `disbursement-${disbursementId}-g${generation}`;
}

/** Seconds to wait after the n-th failed attempt (n ≥ 1): base, 2·base, 4·base … at most an hour. */
export function backoffSeconds(attempts: number, baseSeconds: number): number {
  const n = Math.max(1, Math.floor(attempts));
  return Math.min(3600, baseSeconds * 2 ** Math.min(n - 1, 20));
}

export type ErrorOutcome = 'definitive' | 'transient';

export interface StripeErrorLike {
  statusCode?: number;
  type?: string;
  code?: string;
  message?: string;
}

/**
 * A refusal Stripe made after looking at the request (400, 402, 403, 404) is definitive: no
 * transfer was made, and Stripe keeps the refusal under the idempotency key, so repeating the
 * same key cannot succeed. Anything else (no answer, a timeout, 409 idempotency conflict, 429,
 * 5xx, a wrong API key) may succeed later with the same key.
 */
export function classifyStripeError(error: StripeErrorLike): ErrorOutcome {
  const status = error.statusCode;
  if (status !== undefined && [400, 402, 403, 404].includes(status)) return 'definitive';
  return 'transient';
}

export function describeStripeError(error: StripeErrorLike): string {
  const parts = [error.type ?? 'error', error.statusCode ? `HTTP ${error.statusCode}` : null, error.code ?? null].filter(Boolean).join(' · ');
  return `${parts}: ${error.message ?? 'no message'}`.slice(0, 1000);
}

export interface TransferLike {
  id: string;
  amount: number;
  currency: string;
  destination: string | null;
  transfer_group: string | null;
  reversed: boolean;
  amount_reversed: number;
  created: number;
  metadata: Record<string, string>;
}

export const isFullyReversed = (t: Pick<TransferLike, 'reversed' | 'amount' | 'amount_reversed'>) => t.reversed || t.amount_reversed >= t.amount;

/** The live (not fully reversed) transfer Stripe already holds for this disbursement, if any. */
export function findExistingTransfer<T extends TransferLike>(transfers: T[], disbursementId: string): T | null {
  return transfers.find((t) => t.metadata?.disbursement_id === disbursementId && !isFullyReversed(t)) ?? null;
}

export type IssueKind = 'transfer_without_disbursement' | 'amount_mismatch' | 'destination_mismatch' | 'paid_in_stripe_not_recorded' | 'missing_in_stripe' | 'partial_reversal' | 'malformed_event';

export interface OurDisbursement {
  id: string;
  status: string;
  amountMinor: number;
  destination: string | null;
  stripeTransferId: string | null;
}

export interface Finding {
  kind: IssueKind;
  disbursementId: string | null;
  stripeTransferId: string | null;
  details: Record<string, unknown>;
}

export interface Reconciliation {
  findings: Finding[];
  /** Transfers that match a disbursement still 'sending' whose webhook has not arrived: settle them. */
  settle: Array<{ disbursementId: string; transferId: string }>;
}

/**
 * Compares Stripe's transfers with our Stripe-rail disbursements. `graceSeconds` spares transfers
 * younger than that (their webhook may be on its way). Our tables decide what was paid; Stripe's
 * list is the evidence each side is checked against.
 */
export function reconcile(transfers: TransferLike[], ours: OurDisbursement[], nowSeconds: number, graceSeconds: number): Reconciliation {
  const findings: Finding[] = [];
  const settle: Reconciliation['settle'] = [];
  const byId = new Map(ours.map((d) => [d.id, d]));
  const seen = new Set<string>();
  for (const t of transfers) {
    const live = !isFullyReversed(t);
    const d = byId.get(t.metadata?.disbursement_id ?? '') ?? ours.find((o) => o.stripeTransferId === t.id);
    if (!d) {
      if (live)
        findings.push({ kind: 'transfer_without_disbursement', disbursementId: null, stripeTransferId: t.id, details: { amount: t.amount, destination: t.destination, metadata: t.metadata ?? {} } });
      continue;
    }
    if (live) seen.add(d.id);
    if (t.amount !== d.amountMinor || t.currency.toLowerCase() !== 'cny') {
      findings.push({ kind: 'amount_mismatch', disbursementId: d.id, stripeTransferId: t.id, details: { stripeAmount: t.amount, stripeCurrency: t.currency, ourAmount: d.amountMinor } });
      continue;
    }
    if (d.destination && t.destination !== d.destination) {
      findings.push({ kind: 'destination_mismatch', disbursementId: d.id, stripeTransferId: t.id, details: { stripeDestination: t.destination, ourDestination: d.destination } });
      continue;
    }
    if (t.amount_reversed > 0 && live) {
      findings.push({ kind: 'partial_reversal', disbursementId: d.id, stripeTransferId: t.id, details: { amount: t.amount, amountReversed: t.amount_reversed } });
      continue;
    }
    if (!live) continue;
    if (d.status === 'paid') continue;
    const settled = nowSeconds - t.created >= graceSeconds;
    if (d.status === 'sending' && settled) settle.push({ disbursementId: d.id, transferId: t.id });
    else if (d.status !== 'sending' && d.status !== 'approved') {
      findings.push({ kind: 'paid_in_stripe_not_recorded', disbursementId: d.id, stripeTransferId: t.id, details: { ourStatus: d.status, amount: t.amount } });
    }
  }
  for (const d of ours) {
    if (d.status === 'paid' && !seen.has(d.id)) {
      findings.push({ kind: 'missing_in_stripe', disbursementId: d.id, stripeTransferId: d.stripeTransferId, details: { ourStatus: d.status, amount: d.amountMinor } });
    }
  }
  return { findings, settle };
}
