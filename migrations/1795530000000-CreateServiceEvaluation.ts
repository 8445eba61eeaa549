import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Service evaluation (社会化评估) of milestone deliveries.
 *
 * - indicator_templates: per catalogue category, versioned with an effective date, append-only;
 *   the weights of a version always add up to 100 (CHECK). Every category starts with the
 *   default: output quantity 30, service quality 30, resident satisfaction 20, management and
 *   finances 20.
 * - service_evaluators: evaluators assigned to a contract; a recusal keeps the row (with its
 *   reason), never deletes it.
 * - milestone_evaluation_rounds: one per milestone and round (1, or 2 after rectification), with
 *   the template snapshot it was opened with and, once complete, the exact score (n/d), the
 *   rounded score in hundredths and the grade (same band CHECK as milestone_results).
 * - milestone_scoresheets / milestone_scores: each evaluator's points per indicator in
 *   hundredths (0 … weight × 100), drafts until submitted; submitted sheets are frozen (trigger).
 * - site_visits: date, place, notes (photos are documents owned by the visit).
 * - milestone_rectifications (整改): one per milestone, its deadline read by the delivery module.
 * - contract_terminations: why and when a contract was terminated and what went back to the fund.
 */
export class CreateServiceEvaluation1795530000000 implements MigrationInterface {
  name = 'CreateServiceEvaluation1795530000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION indicator_weights_total(indicators jsonb) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(sum((i->>'weight')::integer), 0)::integer FROM jsonb_array_elements(indicators) AS i
      $$`);
    await q.query(`
      CREATE TABLE indicator_templates (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        category_code   varchar(3)  NOT NULL REFERENCES catalogue_categories(code),
        version         integer     NOT NULL CHECK (version >= 1),
        effective_from  date        NOT NULL,
        indicators      jsonb       NOT NULL CHECK (jsonb_typeof(indicators) = 'array' AND jsonb_array_length(indicators) BETWEEN 1 AND 12),
        note            text        CHECK (note IS NULL OR length(note) <= 1000),
        created_by      uuid        REFERENCES users(id),
        created_at      timestamptz NOT NULL DEFAULT app_now(),
        UNIQUE (category_code, version),
        UNIQUE (category_code, effective_from),
        CONSTRAINT indicator_templates_weights CHECK (indicator_weights_total(indicators) = 100)
      )`);
    await q.query(`
      CREATE FUNCTION service_evaluation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`CREATE TRIGGER indicator_templates_no_change BEFORE UPDATE OR DELETE ON indicator_templates FOR EACH ROW EXECUTE FUNCTION service_evaluation_append_only()`);
    const defaults = [
      {
        code: 'output_quantity',
        nameZh: '产出数量',
        nameEn: 'Output quantity',
        weight: 30,
        guidanceZh: '对照合同约定的服务数量（场次、人次、户数、时长）核对服务记录与签到表，按完成比例评分。',
        guidanceEn: 'Check the service records and sign-in sheets against the quantities in the contract (sessions, person-visits, households, hours); score by the share delivered.',
      },
      {
        code: 'service_quality',
        nameZh: '服务质量',
        nameEn: 'Service quality',
        weight: 30,
        guidanceZh: '结合实地走访、服务对象访谈和照片，评价服务是否符合服务标准和项目目标。',
        guidanceEn: 'From site visits, interviews with service users and photos: does the service meet its standards and the project goals?',
      },
      {
        code: 'resident_satisfaction',
        nameZh: '居民满意度',
        nameEn: 'Resident satisfaction',
        weight: 20,
        guidanceZh: '居民满意度问卷回收数达到最低要求时按平均分自动折算；否则由评估专家根据走访情况评分。',
        guidanceEn: 'Taken from the residents’ survey average when enough responses arrived; otherwise scored by the evaluators from their visits.',
      },
      {
        code: 'management_finance',
        nameZh: '管理与财务',
        nameEn: 'Management and finances',
        weight: 20,
        guidanceZh: '项目管理制度、人员配备、档案台账和资金使用是否规范、账目是否清楚。',
        guidanceEn: 'Project management, staffing, records and the use of funds: are they orderly and the accounts clear?',
      },
    ];
    await q.query(`INSERT INTO indicator_templates (category_code, version, effective_from, indicators, note) SELECT code, 1, DATE '2000-01-01', $1::jsonb, '默认评估指标' FROM catalogue_categories`, [
      JSON.stringify(defaults),
    ]);

    await q.query(`
      CREATE TABLE service_evaluators (
        contract_id     uuid        NOT NULL REFERENCES contracts(id),
        evaluator_id    uuid        NOT NULL REFERENCES users(id),
        status          text        NOT NULL CHECK (status IN ('active', 'recused')),
        assigned_by     uuid        NOT NULL REFERENCES users(id),
        assigned_at     timestamptz NOT NULL,
        recused_at      timestamptz,
        recusal_reason  text        CHECK (recusal_reason IS NULL OR length(recusal_reason) <= 1000),
        PRIMARY KEY (contract_id, evaluator_id),
        CONSTRAINT service_evaluators_recusal CHECK ((status = 'recused') = (recused_at IS NOT NULL) AND (status <> 'recused' OR length(btrim(coalesce(recusal_reason, ''))) >= 2))
      )`);
    await q.query(`CREATE INDEX service_evaluators_evaluator_idx ON service_evaluators (evaluator_id) WHERE status = 'active'`);

    await q.query(`
      CREATE TABLE milestone_evaluation_rounds (
        contract_id          uuid        NOT NULL,
        milestone_position   integer     NOT NULL,
        round                integer     NOT NULL CHECK (round IN (1, 2)),
        template_id          uuid        NOT NULL REFERENCES indicator_templates(id),
        indicators           jsonb       NOT NULL CHECK (indicator_weights_total(indicators) = 100),
        status               text        NOT NULL CHECK (status IN ('open', 'completed')),
        opened_at            timestamptz NOT NULL,
        completed_at         timestamptz,
        evaluator_count      integer     CHECK (evaluator_count IS NULL OR evaluator_count >= 2),
        score_exact          text        CHECK (score_exact IS NULL OR score_exact ~ '^[0-9]+/[1-9][0-9]*$'),
        score_centi          integer     CHECK (score_centi IS NULL OR score_centi BETWEEN 0 AND 10000),
        grade                text        CHECK (grade IS NULL OR grade IN ('excellent', 'good', 'pass', 'fail')),
        satisfaction_source  text        CHECK (satisfaction_source IS NULL OR satisfaction_source IN ('survey', 'evaluators', 'none')),
        survey_responses     integer,
        survey_rating_sum    integer,
        PRIMARY KEY (contract_id, milestone_position, round),
        FOREIGN KEY (contract_id, milestone_position) REFERENCES contract_milestones(contract_id, position),
        CONSTRAINT milestone_evaluation_rounds_completed CHECK ((status = 'completed') = (completed_at IS NOT NULL AND score_centi IS NOT NULL AND grade IS NOT NULL AND score_exact IS NOT NULL)),
        CONSTRAINT milestone_evaluation_rounds_grade_band CHECK (grade IS NULL OR grade = CASE
          WHEN score_centi >= 9000 THEN 'excellent' WHEN score_centi >= 8000 THEN 'good'
          WHEN score_centi >= 6000 THEN 'pass' ELSE 'fail' END)
      )`);
    await q.query(`
      CREATE TABLE milestone_scoresheets (
        contract_id         uuid        NOT NULL,
        milestone_position  integer     NOT NULL,
        round               integer     NOT NULL,
        evaluator_id        uuid        NOT NULL REFERENCES users(id),
        status              text        NOT NULL CHECK (status IN ('draft', 'submitted')),
        started_at          timestamptz NOT NULL,
        updated_at          timestamptz NOT NULL,
        submitted_at        timestamptz,
        PRIMARY KEY (contract_id, milestone_position, round, evaluator_id),
        FOREIGN KEY (contract_id, milestone_position, round) REFERENCES milestone_evaluation_rounds(contract_id, milestone_position, round),
        CONSTRAINT milestone_scoresheets_submitted CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX milestone_scoresheets_evaluator_idx ON milestone_scoresheets (evaluator_id)`);
    await q.query(`
      CREATE TABLE milestone_scores (
        contract_id         uuid        NOT NULL,
        milestone_position  integer     NOT NULL,
        round               integer     NOT NULL,
        evaluator_id        uuid        NOT NULL,
        indicator_code      text        NOT NULL CHECK (indicator_code ~ '^[a-z][a-z0-9_]{1,39}$'),
        weight              integer     NOT NULL CHECK (weight BETWEEN 1 AND 100),
        points_centi        integer     NOT NULL CHECK (points_centi >= 0),
        comment             text        CHECK (comment IS NULL OR length(comment) <= 1000),
        PRIMARY KEY (contract_id, milestone_position, round, evaluator_id, indicator_code),
        FOREIGN KEY (contract_id, milestone_position, round, evaluator_id) REFERENCES milestone_scoresheets(contract_id, milestone_position, round, evaluator_id),
        CONSTRAINT milestone_scores_within_weight CHECK (points_centi <= weight * 100)
      )`);
    // A submitted sheet is frozen: neither it nor its lines change afterwards.
    await q.query(`
      CREATE FUNCTION milestone_scores_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        r record := coalesce(NEW, OLD);
        sheet_status text;
      BEGIN
        IF TG_TABLE_NAME = 'milestone_scoresheets' THEN
          IF OLD.status = 'submitted' THEN
            RAISE EXCEPTION 'a submitted score sheet is final' USING ERRCODE = 'restrict_violation';
          END IF;
          RETURN NEW;
        END IF;
        SELECT status INTO sheet_status FROM milestone_scoresheets
         WHERE contract_id = r.contract_id AND milestone_position = r.milestone_position AND round = r.round AND evaluator_id = r.evaluator_id;
        IF sheet_status = 'submitted' THEN
          RAISE EXCEPTION 'a submitted score sheet is final' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN coalesce(NEW, OLD);
      END $$`);
    await q.query(`CREATE TRIGGER milestone_scoresheets_frozen BEFORE UPDATE OR DELETE ON milestone_scoresheets FOR EACH ROW EXECUTE FUNCTION milestone_scores_frozen()`);
    await q.query(`CREATE TRIGGER milestone_scores_frozen BEFORE INSERT OR UPDATE OR DELETE ON milestone_scores FOR EACH ROW EXECUTE FUNCTION milestone_scores_frozen()`);

    await q.query(`
      CREATE TABLE site_visits (
        id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_id         uuid        NOT NULL,
        milestone_position  integer     NOT NULL,
        round               integer     NOT NULL,
        evaluator_id        uuid        NOT NULL REFERENCES users(id),
        visited_on          date        NOT NULL,
        place               text        NOT NULL CHECK (length(btrim(place)) BETWEEN 2 AND 200),
        notes               text        NOT NULL CHECK (length(btrim(notes)) BETWEEN 2 AND 5000),
        created_at          timestamptz NOT NULL DEFAULT app_now(),
        FOREIGN KEY (contract_id, milestone_position, round) REFERENCES milestone_evaluation_rounds(contract_id, milestone_position, round)
      )`);
    await q.query(`CREATE INDEX site_visits_round_idx ON site_visits (contract_id, milestone_position, round)`);
    await q.query(`CREATE TRIGGER site_visits_no_change BEFORE UPDATE OR DELETE ON site_visits FOR EACH ROW EXECUTE FUNCTION service_evaluation_append_only()`);

    await q.query(`
      CREATE TABLE milestone_rectifications (
        id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_id         uuid        NOT NULL,
        milestone_position  integer     NOT NULL,
        opened_at           timestamptz NOT NULL,
        deadline            timestamptz NOT NULL,
        reason              text        NOT NULL CHECK (length(btrim(reason)) BETWEEN 2 AND 2000),
        status              text        NOT NULL CHECK (status IN ('open', 'passed', 'failed')),
        deadline_set_by     uuid        REFERENCES users(id),
        deadline_set_at     timestamptz,
        closed_at           timestamptz,
        FOREIGN KEY (contract_id, milestone_position) REFERENCES contract_milestones(contract_id, position),
        UNIQUE (contract_id, milestone_position),
        CONSTRAINT milestone_rectifications_deadline CHECK (deadline > opened_at),
        CONSTRAINT milestone_rectifications_closed CHECK ((status = 'open') = (closed_at IS NULL))
      )`);

    await q.query(`
      CREATE TABLE contract_terminations (
        contract_id         uuid        PRIMARY KEY REFERENCES contracts(id),
        milestone_position  integer     NOT NULL,
        reason              text        NOT NULL,
        started_at          timestamptz NOT NULL,
        terminated_at       timestamptz NOT NULL,
        released_minor      bigint      NOT NULL CHECK (released_minor >= 0),
        cancelled_positions integer[]   NOT NULL,
        journal_entry_id    bigint      REFERENCES journal_entries(id),
        FOREIGN KEY (contract_id, milestone_position) REFERENCES contract_milestones(contract_id, position),
        CONSTRAINT contract_terminations_entry CHECK ((released_minor = 0) = (journal_entry_id IS NULL))
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'contract_terminations',
      'milestone_rectifications',
      'site_visits',
      'milestone_scores',
      'milestone_scoresheets',
      'milestone_evaluation_rounds',
      'service_evaluators',
      'indicator_templates',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`DROP FUNCTION milestone_scores_frozen()`);
    await q.query(`DROP FUNCTION service_evaluation_append_only()`);
    await q.query(`DROP FUNCTION indicator_weights_total(jsonb)`);
  }
}
