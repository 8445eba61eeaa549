import { Module } from '@nestjs/common';
import { LedgerQueries } from './ledger.queries';
import { LedgerService } from './ledger.service';

/**
 * The one ledger: the double-entry journal and the running balances it keeps on funds, contracts
 * and projects. LedgerService alone posts (one verb per business event, in the caller's
 * transaction); LedgerQueries alone reads the journal (trial balance, statements, verification).
 * A low-level module: procurement, contracts, payments, service evaluation and reporting import
 * it; it imports none of them.
 */
@Module({
  providers: [LedgerService, LedgerQueries],
  exports: [LedgerService, LedgerQueries],
})
export class LedgerModule {}
