import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrganisations1795470000000 implements MigrationInterface {
  name = 'CreateOrganisations1795470000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisations (
        id                        uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        name_zh                   text        NOT NULL CHECK (length(name_zh) BETWEEN 2 AND 100),
        credit_code               char(18)    NOT NULL CHECK (credit_code ~ '^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$'),
        registration_track        text        NOT NULL CHECK (registration_track IN ('registered', 'filed')),
        registering_authority     text        NOT NULL CHECK (length(registering_authority) BETWEEN 2 AND 100),
        legal_representative      text        NOT NULL CHECK (length(legal_representative) BETWEEN 1 AND 50),
        contact_person            text        NOT NULL CHECK (length(contact_person) BETWEEN 1 AND 50),
        contact_phone             text        NOT NULL CHECK (contact_phone ~ '^[0-9+() -]{7,20}$'),
        sub_district              text        NOT NULL CHECK (length(sub_district) BETWEEN 1 AND 50),
        community                 text        NOT NULL CHECK (length(community) BETWEEN 1 AND 50),
        street_address            text        NOT NULL CHECK (length(street_address) BETWEEN 1 AND 200),
        founded_on                date        NOT NULL,
        registered_capital_minor  bigint      NOT NULL CHECK (registered_capital_minor >= 0),
        currency                  char(3)     NOT NULL DEFAULT 'CNY',
        organisation_type         text        NOT NULL CHECK (organisation_type IN
                                    ('social_service_agency', 'social_group', 'foundation', 'community_organisation')),
        service_categories        text[]      NOT NULL DEFAULT '{}',
        staff_count               integer     NOT NULL CHECK (staff_count >= 0),
        social_worker_count       integer     NOT NULL CHECK (social_worker_count >= 0),
        evaluation_grade          text        NOT NULL DEFAULT 'none' CHECK (evaluation_grade IN ('none', '1A', '2A', '3A', '4A', '5A')),
        status                    text        NOT NULL DEFAULT 'draft' CHECK (status IN
                                    ('draft', 'submitted', 'approved', 'needs_changes', 'rejected', 'suspended')),
        status_reason             text,
        status_changed_at         timestamptz NOT NULL DEFAULT now(),
        status_changed_by         uuid        REFERENCES users(id),
        submitted_at              timestamptz,
        approved_at               timestamptz,
        created_at                timestamptz NOT NULL DEFAULT now(),
        updated_at                timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisations_social_workers_within_staff CHECK (social_worker_count <= staff_count),
        -- A refusal, a request for changes and a suspension always say why.
        CONSTRAINT organisations_reason_required CHECK (
          status NOT IN ('needs_changes', 'rejected', 'suspended') OR length(coalesce(status_reason, '')) > 0)
      )`);
    await q.query(`CREATE UNIQUE INDEX organisations_credit_code_key ON organisations (credit_code)`);
    await q.query(`CREATE INDEX organisations_status_idx ON organisations (status)`);
    await q.query(`CREATE INDEX organisations_name_trgm_idx ON organisations USING gin (name_zh gin_trgm_ops)`);
    await q.query(`
      ALTER TABLE users ADD CONSTRAINT users_organisation_fk FOREIGN KEY (organisation_id) REFERENCES organisations(id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_organisation_fk`);
    await q.query(`DROP TABLE organisations`);
  }
}
