import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { dueKeyOf } from './evaluation.queries';

/**
 * Dashboard panels: a committee member's evaluations and what is due in each (declaration,
 * scores, flags, sign-off); the officer's evaluations in progress and opened projects still
 * without a committee.
 */
@Injectable()
export class EvaluationDashboardQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const widgets: DashboardWidget[] = [];
    const mine = (await this.dataSource.query(
      `SELECT e.id, e.status, p.reference, p.title, m.status AS member_status, m.signed_off_at,
              EXISTS (SELECT 1 FROM score_submissions s WHERE s.evaluation_id = e.id AND s.user_id = m.user_id) AS submitted,
              (SELECT count(*)::int FROM score_flags f JOIN qualification_reviews q ON q.evaluation_id = f.evaluation_id AND q.bid_id = f.bid_id AND q.is_valid
                WHERE f.evaluation_id = e.id AND f.resolution IS NULL AND (f.user_id = m.user_id OR m.is_chair)) AS open_flags
         FROM committee_members m JOIN evaluations e ON e.id = m.evaluation_id JOIN project_labels p ON p.id = e.project_id
        WHERE m.user_id = $1 AND m.status <> 'recused' AND e.status IN ('committee', 'qualification', 'scoring', 'review')
        ORDER BY e.created_at`,
      [user.id],
    )) as Array<Record<string, any>>;
    if (mine.length || user.roles.includes('evaluator')) {
      const items = mine.map((r) => ({
        id: r.id,
        reference: r.reference,
        title: r.title,
        dueKey: dueKeyOf(r.status, r.member_status, r.submitted, r.signed_off_at, r.open_flags),
      }));
      widgets.push({
        titleKey: 'evaluation.dashboard.memberTitle',
        partial: 'evaluation/dashboard-member',
        order: 15,
        data: {
          items,
          awaitingDeclaration: items.filter((i) => i.dueKey === 'evaluation.due.declare').length,
          awaitingScores: items.filter((i) => i.dueKey === 'evaluation.due.score').length,
          awaitingFlags: items.filter((i) => i.dueKey === 'evaluation.due.flags').length,
          awaitingSignOff: items.filter((i) => i.dueKey === 'evaluation.due.signOff').length,
        },
      });
    }
    if (user.roles.includes('bureau_officer')) {
      const inProgress = (await this.dataSource.query(
        `SELECT e.id, e.status, e.committee_size, p.reference, p.title,
                (SELECT count(*)::int FROM committee_members m WHERE m.evaluation_id = e.id AND m.status = 'declared') AS declared,
                (SELECT count(*)::int FROM score_submissions s WHERE s.evaluation_id = e.id) AS submitted,
                (SELECT count(*)::int FROM committee_members m WHERE m.evaluation_id = e.id AND m.signed_off_at IS NOT NULL) AS signed
           FROM evaluations e JOIN project_labels p ON p.id = e.project_id
          WHERE e.status IN ('committee', 'qualification', 'scoring', 'review') ORDER BY e.created_at LIMIT 20`,
      )) as Array<Record<string, any>>;
      const [{ awaiting }] = (await this.dataSource.query(
        `SELECT count(*)::int AS awaiting FROM projects p WHERE p.status = 'opened'
            AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.project_id = p.id AND e.status NOT IN ('superseded', 'failed'))`,
      )) as Array<{ awaiting: number }>;
      widgets.push({
        titleKey: 'evaluation.dashboard.officerTitle',
        partial: 'evaluation/dashboard-officer',
        order: 31,
        data: {
          awaiting,
          items: inProgress.map((r) => ({
            id: r.id,
            reference: r.reference,
            title: r.title,
            statusKey: `evaluation.statuses.${r.status}`,
            declared: r.declared,
            submitted: r.submitted,
            signed: r.signed,
            size: r.committee_size,
          })),
        },
      });
    }
    return widgets;
  }
}
