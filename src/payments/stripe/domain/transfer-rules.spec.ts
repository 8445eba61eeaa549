import { TransferLike, backoffSeconds, classifyStripeError, findExistingTransfer, isFullyReversed, reconcile, transferIdempotencyKey } from './transfer-rules';

const transfer = (over: Partial<TransferLike> = {}): TransferLike => ({
  id: 'tr_1',
  amount: 30_000_00,
  currency: 'cny',
  destination: 'acct_A',
  transfer_group: 'c1',
  reversed: false,
  amount_reversed: 0,
  created: 1_000,
  metadata: { disbursement_id: 'd1' },
  ...over,
});

describe('Stripe transfer rules', () => {
  it('derives one idempotency key per disbursement and generation', () => {
    expect(transferIdempotencyKey('d1', 1)).toBe('disbursement-d1-g1');
    expect(transferIdempotencyKey('d1', 2)).not.toBe(transferIdempotencyKey('d1', 1));
    expect(() => transferIdempotencyKey('d1', 0)).toThrow();
  });

  it('backs off exponentially, capped at an hour', () => {
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, 30))).toEqual([30, 60, 120, 240]);
    expect(backoffSeconds(30, 30)).toBe(3600);
    expect(backoffSeconds(5, 0)).toBe(0);
  });

  it('reads refusals Stripe executed as definitive and lost answers as transient', () => {
    for (const statusCode of [400, 402, 403, 404]) expect(classifyStripeError({ statusCode })).toBe('definitive');
    for (const statusCode of [401, 409, 429, 500, 503]) expect(classifyStripeError({ statusCode })).toBe('transient');
    expect(classifyStripeError({ type: 'StripeConnectionError' })).toBe('transient');
  });

  it('adopts only a live transfer of the same disbursement', () => {
    const reversed = transfer({ id: 'tr_old', reversed: true, amount_reversed: 30_000_00 });
    const other = transfer({ id: 'tr_other', metadata: { disbursement_id: 'd2' } });
    expect(findExistingTransfer([reversed, other], 'd1')).toBeNull();
    const live = transfer({ id: 'tr_new' });
    expect(findExistingTransfer([reversed, other, live], 'd1')?.id).toBe('tr_new');
    expect(isFullyReversed(transfer({ amount_reversed: 1 }))).toBe(false);
  });

  describe('reconciliation', () => {
    const ours = (over: Partial<{ id: string; status: string; amountMinor: number; destination: string | null; stripeTransferId: string | null }> = {}) => ({
      id: 'd1',
      status: 'paid',
      amountMinor: 30_000_00,
      destination: 'acct_A',
      stripeTransferId: 'tr_1',
      ...over,
    });

    it('finds nothing when both sides agree', () => {
      expect(reconcile([transfer()], [ours()], 5_000, 600)).toEqual({ findings: [], settle: [] });
    });

    it('flags a transfer without a disbursement, a wrong amount and a wrong destination', () => {
      const r = reconcile(
        [
          transfer({ id: 'tr_x', metadata: {} }),
          transfer({ id: 'tr_2', amount: 1, metadata: { disbursement_id: 'd2' } }),
          transfer({ id: 'tr_3', destination: 'acct_B', metadata: { disbursement_id: 'd3' } }),
        ],
        [ours({ id: 'd2', stripeTransferId: 'tr_2' }), ours({ id: 'd3', stripeTransferId: 'tr_3' })],
        5_000,
        600,
      );
      expect(r.findings.map((f) => [f.kind, f.stripeTransferId])).toEqual([
        ['transfer_without_disbursement', 'tr_x'],
        ['amount_mismatch', 'tr_2'],
        ['destination_mismatch', 'tr_3'],
      ]);
    });

    it('flags a transfer Stripe made for a disbursement we hold as failed, and ours paid that Stripe does not have', () => {
      const r = reconcile([transfer()], [ours({ status: 'failed', stripeTransferId: null }), ours({ id: 'd9', stripeTransferId: 'tr_9' })], 5_000, 600);
      expect(r.findings.map((f) => [f.kind, f.disbursementId])).toEqual([
        ['paid_in_stripe_not_recorded', 'd1'],
        ['missing_in_stripe', 'd9'],
      ]);
    });

    it('settles a sending disbursement whose webhook never came, but only after the grace period', () => {
      const sending = [ours({ status: 'sending' })];
      expect(reconcile([transfer({ created: 4_800 })], sending, 5_000, 600).settle).toEqual([]);
      expect(reconcile([transfer({ created: 4_000 })], sending, 5_000, 600).settle).toEqual([{ disbursementId: 'd1', transferId: 'tr_1' }]);
    });

    it('treats a fully reversed transfer of a paid disbursement as missing, a partial one as its own issue', () => {
      expect(reconcile([transfer({ reversed: true, amount_reversed: 30_000_00 })], [ours()], 5_000, 600).findings.map((f) => f.kind)).toEqual(['missing_in_stripe']);
      expect(reconcile([transfer({ amount_reversed: 100 })], [ours()], 5_000, 600).findings.map((f) => f.kind)).toEqual(['partial_reversal']);
    });
  });
});
