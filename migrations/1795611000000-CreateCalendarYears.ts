import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No silent years: a year's holidays are known only once an admin has entered that year's
 * arrangement (the State Council's notice, with its document number). Until then any period
 * reaching the year is refused, because a weekday there might be Spring Festival.
 *
 * 2026 was loaded by CreateProcurementRules from 国务院办公厅关于2026年部分节假日安排的通知; its
 * document number was not recorded then and is left for an admin to add (never guessed here).
 * `is_demo` marks an arrangement the demo seed entered: demo data, not an official notice.
 */
export class CreateCalendarYears1795611000000 implements MigrationInterface {
  name = 'CreateCalendarYears1795611000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_years (
        year          integer     PRIMARY KEY CHECK (year BETWEEN 2000 AND 2200),
        notice_title  text        NOT NULL CHECK (length(notice_title) BETWEEN 5 AND 200),
        notice_number text        CHECK (length(notice_number) BETWEEN 3 AND 60),
        is_demo       boolean     NOT NULL DEFAULT false,
        entered_by    uuid        REFERENCES users(id),
        entered_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO calendar_years (year, notice_title) VALUES (2026, '国务院办公厅关于2026年部分节假日安排的通知')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_years`);
  }
}
