import { writeJournalEntry } from '../common/ledger/journal';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { NewFundInput, checkNewFund } from './domain/funds';
import { addProblem, parseWholeNumber, text } from './domain/problems';
import { Fund, availableMinor } from './fund.entity';
import { DuplicateFundError, FundInsufficientError, FundNotFoundError, ProcurementValidationError } from './procurement.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PostgreSQL error details as TypeORM wraps them. */
export function pgError(error: unknown): { code?: string; constraint?: string } {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return { code: e.code ?? e.driverError?.code, constraint: e.constraint ?? e.driverError?.constraint };
}

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
 * Funding sources and the reservations projects make against them. Reservations and releases
 * run in the caller's (the project's) transaction as one relative UPDATE each; the fund's CHECK
 * decides, so two officers reserving the last of a fund at once cannot both succeed.
 */
@Injectable()
export class FundsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<Fund[]> {
    return this.dataSource.getRepository(Fund).find({ order: { fiscalYear: 'DESC', ownerUnit: 'ASC', name: 'ASC' } });
  }

  /** Funds that can take a reservation now, for the project form. */
  async listActive(): Promise<Fund[]> {
    return this.dataSource.getRepository(Fund).find({ where: { isActive: true }, order: { fiscalYear: 'DESC', name: 'ASC' } });
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<Fund> {
    const fund = UUID.test(id) ? await manager.findOneBy(Fund, { id }) : null;
    if (!fund) throw new FundNotFoundError();
    return fund;
  }

  async find(id: string, manager: EntityManager = this.dataSource.manager): Promise<Fund | null> {
    return UUID.test(id) ? manager.findOneBy(Fund, { id }) : null;
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
   * Adds `amountMinor` to the fund's reservations in the caller's transaction. A savepoint keeps
   * the transaction usable when the CHECK refuses, so the error can say what is left.
   */
  async reserve(manager: EntityManager, actor: Actor, fundId: string, amountMinor: number, projectId: string): Promise<void> {
    await manager.query('SAVEPOINT fund_reservation');
    let rows: Array<{ reserved_minor: string }>;
    try {
      rows = (await manager.query(
        `UPDATE funds SET reserved_minor = reserved_minor + $1, updated_at = now() WHERE id = $2 AND is_active RETURNING reserved_minor`,
        [amountMinor, fundId],
      )) as Array<{ reserved_minor: string }>;
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code !== '23514' || constraint !== 'funds_within_total') throw error;
      await manager.query('ROLLBACK TO SAVEPOINT fund_reservation');
      const fund = await this.get(fundId, manager);
      throw new FundInsufficientError(availableMinor(fund), amountMinor);
    }
    await manager.query('RELEASE SAVEPOINT fund_reservation');
    // With RETURNING, TypeORM gives [rows, count] for UPDATE.
    const list = Array.isArray(rows[0]) ? (rows[0] as unknown as Array<{ reserved_minor: string }>) : rows;
    if (!list.length) throw new FundNotFoundError();
    const after = Number(list[0].reserved_minor);
    await writeJournalEntry(manager, { event: 'fund.reserved', refType: 'project', refId: projectId, actorId: actor.userId }, [
      { fundId, account: 'available', projectId, contractId: null, amountMinor: -amountMinor },
      { fundId, account: 'reserved', projectId, contractId: null, amountMinor },
    ]);
    await this.audit.record(manager, actor, {
      action: 'fund.reserved',
      entityType: 'fund',
      entityId: fundId,
      before: { reservedMinor: after - amountMinor },
      after: { reservedMinor: after },
      details: { projectId, amountMinor },
    });
  }

  /**
   * A contract takes effect: `reservedMinor` leaves the reservations and `contractAmountMinor`
   * becomes committed, so the difference goes back to what is available; one relative UPDATE in
   * the caller's transaction, decided by the fund's CHECKs. A variation of the amount passes
   * reservedMinor 0 and the change as contractAmountMinor (negative for a reduction). An increase
   * the fund cannot cover is FundInsufficientError, the transaction still usable (savepoint).
   */
  async commitForContract(manager: EntityManager, actor: Actor, fundId: string, projectId: string, reservedMinor: number, contractAmountMinor: number): Promise<void> {
    if (!Number.isSafeInteger(reservedMinor) || reservedMinor < 0 || !Number.isSafeInteger(contractAmountMinor)) {
      throw new RangeError(`commitForContract needs whole fen (reserved ${reservedMinor}, contract ${contractAmountMinor})`);
    }
    await manager.query('SAVEPOINT fund_commitment');
    let result: unknown[];
    try {
      result = (await manager.query(
        `UPDATE funds SET reserved_minor = reserved_minor - $1, committed_minor = committed_minor + $2, updated_at = now()
          WHERE id = $3 RETURNING reserved_minor, committed_minor`,
        [reservedMinor, contractAmountMinor, fundId],
      )) as unknown[];
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code !== '23514' || constraint !== 'funds_within_total') throw error;
      await manager.query('ROLLBACK TO SAVEPOINT fund_commitment');
      const fund = await this.get(fundId, manager);
      throw new FundInsufficientError(availableMinor(fund), contractAmountMinor - reservedMinor);
    }
    await manager.query('RELEASE SAVEPOINT fund_commitment');
    const list = (Array.isArray(result[0]) ? result[0] : result) as Array<{ reserved_minor: string; committed_minor: string }>;
    if (!list.length) throw new FundNotFoundError();
    const reservedAfter = Number(list[0].reserved_minor);
    const committedAfter = Number(list[0].committed_minor);
    await writeJournalEntry(manager, { event: 'fund.committed', refType: 'project', refId: projectId, actorId: actor.userId }, [
      { fundId, account: 'reserved', projectId, contractId: null, amountMinor: -reservedMinor },
      { fundId, account: 'committed', projectId, contractId: null, amountMinor: contractAmountMinor },
      { fundId, account: 'available', projectId, contractId: null, amountMinor: reservedMinor - contractAmountMinor },
    ]);
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
    const result = (await manager.query(
      `UPDATE funds SET reserved_minor = reserved_minor - $1, updated_at = now() WHERE id = $2 RETURNING reserved_minor`,
      [amountMinor, fundId],
    )) as unknown[];
    const list = (Array.isArray(result[0]) ? result[0] : result) as Array<{ reserved_minor: string }>;
    if (!list.length) throw new FundNotFoundError();
    const after = Number(list[0].reserved_minor);
    await writeJournalEntry(manager, { event: 'fund.released', refType: 'project', refId: projectId, actorId: actor.userId }, [
      { fundId, account: 'reserved', projectId, contractId: null, amountMinor: -amountMinor },
      { fundId, account: 'available', projectId, contractId: null, amountMinor },
    ]);
    await this.audit.record(manager, actor, {
      action: 'fund.released',
      entityType: 'fund',
      entityId: fundId,
      before: { reservedMinor: after + amountMinor },
      after: { reservedMinor: after },
      details: { projectId, amountMinor, reason },
    });
  }
}
