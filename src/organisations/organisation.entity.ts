import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { moneyTransformer } from '../common/money/money.transformer';
import type { EvaluationGrade, OrganisationType, RegistrationTrack } from './domain/registration';
import type { OrganisationStatus } from './domain/vetting';

export type { EvaluationGrade, OrganisationStatus, OrganisationType, RegistrationTrack };

/** A social organisation (社会组织) in the registry. Only `approved` ones may bid. */
@Entity({ name: 'organisations' })
export class Organisation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'name_zh', type: 'text' })
  nameZh: string;

  /** Unified social credit code (统一社会信用代码), GB 32100-2015. */
  @Column({ name: 'credit_code', type: 'char', length: 18 })
  creditCode: string;

  /** 登记 registered with civil affairs, or 备案 filed with a community. */
  @Column({ name: 'registration_track', type: 'text' })
  registrationTrack: RegistrationTrack;

  @Column({ name: 'registering_authority', type: 'text' })
  registeringAuthority: string;

  @Column({ name: 'legal_representative', type: 'text' })
  legalRepresentative: string;

  @Column({ name: 'contact_person', type: 'text' })
  contactPerson: string;

  @Column({ name: 'contact_phone', type: 'text' })
  contactPhone: string;

  @Column({ name: 'sub_district', type: 'text' })
  subDistrict: string;

  @Column({ type: 'text' })
  community: string;

  @Column({ name: 'street_address', type: 'text' })
  streetAddress: string;

  @Column({ name: 'founded_on', type: 'date' })
  foundedOn: string;

  @Column({ name: 'registered_capital_minor', type: 'bigint', transformer: moneyTransformer })
  registeredCapitalMinor: number;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency: string;

  @Column({ name: 'organisation_type', type: 'text' })
  organisationType: OrganisationType;

  @Column({ name: 'service_categories', type: 'text', array: true })
  serviceCategories: string[];

  @Column({ name: 'staff_count', type: 'integer' })
  staffCount: number;

  @Column({ name: 'social_worker_count', type: 'integer' })
  socialWorkerCount: number;

  @Column({ name: 'evaluation_grade', type: 'text' })
  evaluationGrade: EvaluationGrade;

  @Column({ type: 'text' })
  status: OrganisationStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz' })
  statusChangedAt: Date;

  @Column({ name: 'status_changed_by', type: 'uuid', nullable: true })
  statusChangedBy: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
