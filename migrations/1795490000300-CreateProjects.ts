import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Procurement projects published from the catalogue: items, technical criteria, milestone plan,
 * timetable, the fund reservation, published clarifications/amendments and anonymous Q&A.
 * After publication a project changes only through an amendment (project_amendments).
 */
export class CreateProjects1795490000300 implements MigrationInterface {
  name = 'CreateProjects1795490000300';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE project_reference_seq`);
    await q.query(`
      CREATE TABLE projects (
        id                       uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        reference                text        NOT NULL UNIQUE,
        purchaser_level          text        NOT NULL CHECK (purchaser_level IN ('district', 'sub_district', 'community')),
        purchaser_name           text        NOT NULL CHECK (length(purchaser_name) BETWEEN 2 AND 100),
        title                    text        NOT NULL CHECK (length(title) BETWEEN 4 AND 200),
        description              text        NOT NULL CHECK (length(description) BETWEEN 10 AND 20000),
        service_area             text[]      NOT NULL CHECK (cardinality(service_area) >= 1),
        service_start            date        NOT NULL,
        service_end              date        NOT NULL,
        budget_ceiling_minor     bigint      NOT NULL CHECK (budget_ceiling_minor > 0),
        currency                 char(3)     NOT NULL DEFAULT 'CNY',
        fund_id                  uuid        NOT NULL REFERENCES funds(id),
        reserved_minor           bigint      NOT NULL DEFAULT 0 CHECK (reserved_minor >= 0),
        method                   text        NOT NULL CHECK (method IN
                                   ('open_tender', 'competitive_consultation', 'competitive_negotiation',
                                    'request_for_quotation', 'single_source')),
        method_rule_id           uuid        NOT NULL REFERENCES procurement_method_rules(id),
        price_weight             integer     NOT NULL CHECK (price_weight BETWEEN 0 AND 100),
        eligibility_categories   boolean     NOT NULL DEFAULT true,
        eligibility_min_social_workers integer CHECK (eligibility_min_social_workers >= 0),
        eligibility_min_grade    text        CHECK (eligibility_min_grade IN ('1A', '2A', '3A', '4A', '5A')),
        status                   text        NOT NULL DEFAULT 'draft' CHECK (status IN
                                   ('draft', 'published', 'closed', 'opened', 'evaluation', 'awarded', 'failed', 'cancelled')),
        published_at             timestamptz,
        question_deadline_at     timestamptz,
        bid_deadline_at          timestamptz,
        deadline_explanation     jsonb,
        closed_at                timestamptz,
        opened_at                timestamptz,
        cancelled_at             timestamptz,
        cancel_reason            text,
        failed_at                timestamptz,
        failed_reason            text,
        created_by               uuid        NOT NULL REFERENCES users(id),
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT projects_service_period CHECK (service_end > service_start AND service_end <= service_start + interval '3 years'),
        CONSTRAINT projects_budget_within_reservation CHECK (status = 'draft' OR budget_ceiling_minor <= reserved_minor),
        CONSTRAINT projects_timetable CHECK (status = 'draft' OR (published_at IS NOT NULL AND bid_deadline_at IS NOT NULL
                                   AND question_deadline_at IS NOT NULL
                                   AND published_at < question_deadline_at AND question_deadline_at <= bid_deadline_at)),
        CONSTRAINT projects_cancel_reason CHECK (status <> 'cancelled' OR length(coalesce(cancel_reason, '')) > 0)
      )`);
    await q.query(`CREATE INDEX projects_status_deadline_idx ON projects (status, bid_deadline_at)`);
    await q.query(`CREATE INDEX projects_fund_idx ON projects (fund_id)`);
    await q.query(`
      CREATE TABLE project_items (
        project_id   uuid     NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        position     integer  NOT NULL CHECK (position >= 1),
        item_code    varchar(16) NOT NULL REFERENCES catalogue_items(code),
        quantity     integer  NOT NULL CHECK (quantity > 0),
        unit_code    varchar(40) NOT NULL,
        notes        text,
        PRIMARY KEY (project_id, position),
        UNIQUE (project_id, item_code)
      )`);
    await q.query(`
      CREATE TABLE project_criteria (
        project_id      uuid    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        position        integer NOT NULL CHECK (position >= 1),
        name            text    NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
        description     text    NOT NULL DEFAULT '',
        weight          integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
        PRIMARY KEY (project_id, position)
      )`);
    await q.query(`
      CREATE TABLE project_milestones (
        project_id          uuid    NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        position            integer NOT NULL CHECK (position >= 1),
        name                text    NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
        due_date            date    NOT NULL,
        deliverables        text    NOT NULL DEFAULT '',
        payment_share_bp    integer NOT NULL CHECK (payment_share_bp BETWEEN 0 AND 10000),
        PRIMARY KEY (project_id, position)
      )`);
    // Single source: the one invited organisation.
    await q.query(`
      CREATE TABLE project_invitations (
        project_id       uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        organisation_id  uuid NOT NULL REFERENCES organisations(id),
        PRIMARY KEY (project_id, organisation_id)
      )`);
    await q.query(`
      CREATE TABLE project_amendments (
        id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id           uuid        NOT NULL REFERENCES projects(id),
        sequence             integer     NOT NULL CHECK (sequence >= 1),
        kind                 text        NOT NULL CHECK (kind IN ('clarification', 'amendment')),
        title                text        NOT NULL CHECK (length(title) BETWEEN 2 AND 200),
        body                 text        NOT NULL CHECK (length(body) BETWEEN 2 AND 20000),
        changes_submission   boolean     NOT NULL DEFAULT false,
        previous_deadline_at timestamptz,
        new_deadline_at      timestamptz,
        changes              jsonb       NOT NULL DEFAULT '{}'::jsonb,
        published_at         timestamptz NOT NULL,
        published_by         uuid        NOT NULL REFERENCES users(id),
        UNIQUE (project_id, sequence)
      )`);
    await q.query(`
      CREATE TABLE project_questions (
        id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id       uuid        NOT NULL REFERENCES projects(id),
        organisation_id  uuid        NOT NULL REFERENCES organisations(id),
        asked_by         uuid        NOT NULL REFERENCES users(id),
        question         text        NOT NULL CHECK (length(question) BETWEEN 5 AND 2000),
        asked_at         timestamptz NOT NULL,
        answer           text,
        answered_at      timestamptz,
        answered_by      uuid        REFERENCES users(id),
        CONSTRAINT project_questions_answer CHECK ((answer IS NULL) = (answered_at IS NULL))
      )`);
    await q.query(`CREATE INDEX project_questions_project_idx ON project_questions (project_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ['project_questions', 'project_amendments', 'project_invitations', 'project_milestones', 'project_criteria', 'project_items', 'projects']) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`DROP SEQUENCE project_reference_seq`);
  }
}
