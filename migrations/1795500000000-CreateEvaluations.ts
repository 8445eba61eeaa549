import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evaluation of an opened project: the committee draw (reproducible from its recorded seed and
 * pool), conflict declarations, qualification review, abnormally low prices, independent score
 * sheets, abnormal-score flags, the computed result and each member's sign-off. An upheld
 * challenge supersedes an evaluation with a new round; only one round per project is live.
 */
export class CreateEvaluations1795500000000 implements MigrationInterface {
  name = 'CreateEvaluations1795500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evaluations (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id    uuid        NOT NULL REFERENCES projects(id),
        round         integer     NOT NULL CHECK (round >= 1),
        status        text        NOT NULL CHECK (status IN
                        ('committee', 'qualification', 'scoring', 'review', 'signed_off', 'superseded', 'failed')),
        committee_size integer    NOT NULL CHECK (committee_size >= 3 AND committee_size % 2 = 1),
        requested_by  uuid        NOT NULL REFERENCES users(id),
        created_at    timestamptz NOT NULL DEFAULT now(),
        scoring_closed_at timestamptz,
        signed_off_at timestamptz,
        UNIQUE (project_id, round)
      )`);
    await q.query(`CREATE UNIQUE INDEX evaluations_one_live_per_project ON evaluations (project_id) WHERE status NOT IN ('superseded', 'failed')`);
    await q.query(`
      CREATE TABLE committee_draws (
        id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        evaluation_id  uuid        NOT NULL REFERENCES evaluations(id),
        kind           text        NOT NULL CHECK (kind IN ('initial', 'replacement')),
        algorithm      text        NOT NULL,
        seed           text        NOT NULL CHECK (seed ~ '^[0-9a-f]{64}$'),
        pool           jsonb       NOT NULL,
        excluded       jsonb       NOT NULL,
        wanted         integer     NOT NULL CHECK (wanted >= 1),
        result         jsonb       NOT NULL,
        drawn_at       timestamptz NOT NULL,
        drawn_by       uuid        NOT NULL REFERENCES users(id)
      )`);
    await q.query(`
      CREATE TABLE committee_members (
        evaluation_id        uuid        NOT NULL REFERENCES evaluations(id),
        user_id              uuid        NOT NULL REFERENCES users(id),
        role                 text        NOT NULL CHECK (role IN ('expert', 'bureau_representative')),
        draw_id              uuid        REFERENCES committee_draws(id),
        is_chair             boolean     NOT NULL DEFAULT false,
        status               text        NOT NULL CHECK (status IN ('drawn', 'declared', 'recused')),
        declared_at          timestamptz,
        declaration_sha256   char(64),
        recused_at           timestamptz,
        recusal_reason       text,
        signed_off_at        timestamptz,
        PRIMARY KEY (evaluation_id, user_id),
        CONSTRAINT committee_members_declared CHECK ((status = 'declared') = (declared_at IS NOT NULL AND recused_at IS NULL)),
        CONSTRAINT committee_members_recused CHECK ((status = 'recused') = (recused_at IS NOT NULL AND length(coalesce(recusal_reason, '')) > 0))
      )`);
    await q.query(`
      CREATE TABLE qualification_reviews (
        evaluation_id  uuid        NOT NULL REFERENCES evaluations(id),
        bid_id         uuid        NOT NULL REFERENCES bids(id),
        is_valid       boolean     NOT NULL,
        reason         text,
        decided_by     uuid        NOT NULL REFERENCES users(id),
        decided_at     timestamptz NOT NULL,
        PRIMARY KEY (evaluation_id, bid_id),
        CONSTRAINT qualification_reviews_reason CHECK (is_valid OR length(coalesce(reason, '')) > 0)
      )`);
    await q.query(`
      CREATE TABLE low_price_inquiries (
        evaluation_id   uuid        NOT NULL REFERENCES evaluations(id),
        bid_id          uuid        NOT NULL REFERENCES bids(id),
        threshold_note  text        NOT NULL,
        requested_at    timestamptz NOT NULL,
        explanation     text,
        explained_at    timestamptz,
        explained_by    uuid        REFERENCES users(id),
        accepted        boolean,
        decided_at      timestamptz,
        decided_by      uuid        REFERENCES users(id),
        decision_note   text,
        PRIMARY KEY (evaluation_id, bid_id)
      )`);
    // Scores in hundredths of a point: exact, never floats.
    await q.query(`
      CREATE TABLE score_sheets (
        evaluation_id  uuid        NOT NULL REFERENCES evaluations(id),
        user_id        uuid        NOT NULL REFERENCES users(id),
        bid_id         uuid        NOT NULL REFERENCES bids(id),
        criterion      integer     NOT NULL CHECK (criterion >= 1),
        points_centi   integer     NOT NULL CHECK (points_centi >= 0),
        comment        text,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (evaluation_id, user_id, bid_id, criterion)
      )`);
    await q.query(`
      CREATE TABLE score_submissions (
        evaluation_id  uuid        NOT NULL REFERENCES evaluations(id),
        user_id        uuid        NOT NULL REFERENCES users(id),
        submitted_at   timestamptz NOT NULL,
        revision       integer     NOT NULL DEFAULT 0,
        PRIMARY KEY (evaluation_id, user_id)
      )`);
    await q.query(`
      CREATE TABLE score_flags (
        evaluation_id  uuid        NOT NULL REFERENCES evaluations(id),
        user_id        uuid        NOT NULL REFERENCES users(id),
        bid_id         uuid        NOT NULL REFERENCES bids(id),
        deviation_centi integer    NOT NULL,
        resolution     text        CHECK (resolution IN ('confirmed', 'revised')),
        resolved_at    timestamptz,
        note           text,
        PRIMARY KEY (evaluation_id, user_id, bid_id)
      )`);
    await q.query(`
      CREATE TABLE evaluation_results (
        evaluation_id      uuid    NOT NULL REFERENCES evaluations(id),
        bid_id             uuid    NOT NULL REFERENCES bids(id),
        organisation_id    uuid    NOT NULL REFERENCES organisations(id),
        price_minor        bigint  NOT NULL,
        price_score        text    NOT NULL,
        technical_score    text    NOT NULL,
        total_score        text    NOT NULL,
        rank               integer NOT NULL CHECK (rank >= 1),
        tie_note           text,
        PRIMARY KEY (evaluation_id, bid_id)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ['evaluation_results', 'score_flags', 'score_submissions', 'score_sheets', 'low_price_inquiries', 'qualification_reviews', 'committee_members', 'committee_draws', 'evaluations']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
