import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { pgError } from '../common/errors/pg-error';
import { LedgerLimitError } from '../ledger/ledger.errors';
import { FundBalancesAfter, LedgerService } from '../ledger/ledger.service';
import { NewFundInput, checkNewFund } from './domain/funds';
import { addProblem, parseWholeNumber, text } from './domain/problems';
import { Fund, availableMinor } from './fund.entity';
import { DuplicateFundError, FundInsufficientError, FundNotFoundError, ProcurementValidationError } from './procurement.errors';
import { isUuid } from '../common/validation/uuid';

export interface FundReservation {
  projectId: string;
  reference: string;
  title: string;
  status: string;
  reservedMinor: number;
  publishedAt: Date | null;
  releasedAt: Date | null;
}

/**
 * Funding sources and the reservations projects make against them. Reservations, commitments and
 * releases run in the caller's (the project's or contract's) transaction through the ledger,
 * which moves the fund's balances and journals them together; the fund's CHECK decides, so two
 * officers reserving the last of a fund at once cannot both succeed.
 */
@Injectable()
export class FundsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
  ) {}

  async list(): Promise<Fund[]> {
    return this.dataSource.getRepository(Fund).find({ order: { fiscalYear: 'DESC', ownerUnit: 'ASC', name: 'ASC' } });
  }

  /** Funds that can take a reservation now, for the project form. */
  async listActive(): Promise<Fund[]> {
    return this.dataSource.getRepository(Fund).find({ where: { isActive: true }, order: { fiscalYear: 'DESC', name: 'ASC' } });
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<Fund> {
    const fund = isUuid(id) ? await manager.findOneBy(Fund, { id }) : null;
    if (!fund) throw new FundNotFoundError();
    return fund;
  }

  async find(id: string, manager: EntityManager = this.dataSource.manager): Promise<Fund | null> {
    return isUuid(id) ? manager.findOneBy(Fund, { id }) : null;
  }

  /** Every project that reserved from the fund, newest first (released ones are kept for the record). */
  async reservationsOf(fundId: string): Promise<FundReservation[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, reference, title, status, reserved_minor, published_at, reservation_released_at
         FROM projects WHERE fund_id = $1 AND status <> 'draft' ORDER BY published_at DESC`,
      [fundId],
    )) as Array<{ id: string; reference: string; title: string; status: string; reserved_minor: string; published_at: Date | null; reservation_released_at: Date | null }>;
    return rows.map((r) => ({
      projectId: r.id,
      reference: r.reference,
      title: r.title,
      status: r.status,
      reservedMinor: Number(r.reserved_minor),
      publishedAt: r.published_at,
      releasedAt: r.reservation_released_at,
    }));
  }

  async create(actor: Actor, input: NewFundInput): Promise<Fund> {
    const { fund, problems } = checkNewFund(input);
    // A taken name is reported with the other problems in one round trip (the unique index still decides races).
    if (!problems.name && !problems.fiscalYear && !problems.ownerUnit && (await this.isNameTaken(input))) addProblem(problems, 'name', 'fundDuplicate');
    if (!fund || problems.name) throw new ProcurementValidationError(problems, 'The fund has problems', 'PROCUREMENT.FUND_INVALID');
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [row] = (await manager.query(
          `INSERT INTO funds (name, fiscal_year, owner_level, owner_unit, total_minor, created_by)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [fund.name, fund.fiscalYear, fund.ownerLevel, fund.ownerUnit, fund.totalMinor, actor.userId],
        )) as { id: string }[];
        await this.audit.record(manager, actor, { action: 'fund.created', entityType: 'fund', entityId: row.id, after: { ...fund, currency: 'CNY' } });
        return this.get(row.id, manager);
      });
    } catch (error) {
      if (pgError(error).code === '23505') throw new DuplicateFundError();
      throw error;
    }
  }

  private async isNameTaken(input: NewFundInput): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM funds WHERE owner_unit = $1 AND name = $2 AND fiscal_year = $3`, [
      text(input.ownerUnit),
      text(input.name),
      parseWholeNumber(input.fiscalYear),
    ])) as unknown[];
    return rows.length > 0;
  }

  /**
   * Adds `amountMinor` to the fund's reservations in the caller's transaction. The ledger's
   * savepoint keeps the transaction usable when the CHECK refuses, so the error can say what is left.
   */
  async reserve(manager: EntityManager, actor: Actor, fundId: string, amountMinor: number, projectId: string): Promise<void> {
    const after = await this.withinFund(manager, fundId, amountMinor, () => this.ledger.reserveForProject(manager, { fundId, projectId, amountMinor, actorId: actor.userId }));
    await this.audit.record(manager, actor, {
      action: 'fund.reserved',
      entityType: 'fund',
      entityId: fundId,
      before: { reservedMinor: after.reservedMinor - amountMinor },
      after: { reservedMinor: after.reservedMinor },
      details: { projectId, amountMinor },
    });
  }

  /**
   * A contract takes effect: `reservedMinor` leaves the reservations and `contractAmountMinor`
   * becomes committed, so the difference goes back to what is available; one ledger posting in
   * the caller's transaction, decided by the fund's CHECKs. A variation of the amount passes
   * reservedMinor 0 and the change as contractAmountMinor (negative for a reduction). An increase
   * the fund cannot cover is FundInsufficientError, the transaction still usable (savepoint).
   */
  async commitForContract(manager: EntityManager, actor: Actor, fundId: string, projectId: string, reservedMinor: number, contractAmountMinor: number): Promise<void> {
    if (!Number.isSafeInteger(reservedMinor) || reservedMinor < 0 || !Number.isSafeInteger(contractAmountMinor)) {
      throw new RangeError(`commitForContract needs whole fen (reserved ${reservedMinor}, contract ${contractAmountMinor})`);
    }
    const after = await this.withinFund(manager, fundId, contractAmountMinor - reservedMinor, () =>
      this.ledger.commitToContract(manager, { fundId, projectId, reservedMinor, contractAmountMinor, actorId: actor.userId }),
    );
    const reservedAfter = after.reservedMinor;
    const committedAfter = after.committedMinor;
    await this.audit.record(manager, actor, {
      action: 'fund.committed',
      entityType: 'fund',
      entityId: fundId,
      before: { reservedMinor: reservedAfter + reservedMinor, committedMinor: committedAfter - contractAmountMinor },
      after: { reservedMinor: reservedAfter, committedMinor: committedAfter },
      // releasedMinor < 0: drawn from what was left in the fund.
      details: { projectId, reservedMinor, contractAmountMinor, releasedMinor: reservedMinor - contractAmountMinor },
    });
  }

  /** Gives back a reservation (cancellation, failure) in the caller's transaction. */
  async release(manager: EntityManager, actor: Actor, fundId: string, amountMinor: number, projectId: string, reason: 'cancelled' | 'failed'): Promise<void> {
    const released = await this.ledger.releaseReservation(manager, { fundId, projectId, amountMinor, actorId: actor.userId });
    if (!released) throw new FundNotFoundError();
    const after = released.reservedMinor;
    await this.audit.record(manager, actor, {
      action: 'fund.released',
      entityType: 'fund',
      entityId: fundId,
      before: { reservedMinor: after + amountMinor },
      after: { reservedMinor: after },
      details: { projectId, amountMinor, reason },
    });
  }

  /** A ledger posting on the fund: no such (active) fund is FundNotFoundError, too little left FundInsufficientError. */
  private async withinFund(manager: EntityManager, fundId: string, drawnMinor: number, post: () => Promise<FundBalancesAfter | null>): Promise<FundBalancesAfter> {
    let after: FundBalancesAfter | null;
    try {
      after = await post();
    } catch (error) {
      if (!(error instanceof LedgerLimitError) || error.constraint !== 'funds_within_total') throw error;
      const fund = await this.get(fundId, manager);
      throw new FundInsufficientError(availableMinor(fund), drawnMinor);
    }
    if (!after) throw new FundNotFoundError();
    return after;
  }
}
