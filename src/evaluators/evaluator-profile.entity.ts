import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An expert in the pool (one per user with the `evaluator` role), drawn later to score bids
 * and delivered milestones. Schema: migrations/1795480000000-CreateEvaluatorPool.ts.
 */
@Entity({ name: 'evaluator_profiles' })
export class EvaluatorProfile {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** Catalogue category codes (C01…), at least one. */
  @Column({ type: 'text', array: true })
  expertise: string[];

  @Column({ type: 'text' })
  employer: string;

  /** Professional title (职称), e.g. 高级社会工作师. */
  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  bio: string | null;

  /** In the pool (may be drawn); the account itself is activated separately. */
  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
