import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { MIN_EVALUATORS } from './domain/scoring';

/**
 * Dashboard panels: evaluators, delivered milestones waiting for their scores; officers, active
 * contracts with fewer than two evaluators and milestones waiting for a rectified delivery.
 */
@Injectable()
export class ServiceEvaluationDashboardQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const widgets: DashboardWidget[] = [];
    if (user.roles.includes('evaluator')) {
      const toScore = (await this.dataSource.query(
        `SELECT c.id AS contract_id, c.reference, m.position, m.name
           FROM service_evaluators e JOIN contracts c ON c.id = e.contract_id AND c.status = 'active'
           JOIN contract_milestones m ON m.contract_id = c.id AND m.status IN ('delivered', 'under_evaluation')
          WHERE e.evaluator_id = $1 AND e.status = 'active'
            AND NOT EXISTS (SELECT 1 FROM milestone_scoresheets s JOIN milestone_evaluation_rounds r USING (contract_id, milestone_position, round)
                             WHERE s.contract_id = c.id AND s.milestone_position = m.position AND s.evaluator_id = $1 AND s.status = 'submitted' AND r.status = 'open')
          ORDER BY c.reference, m.position LIMIT 20`,
        [user.id],
      )) as Array<{ contract_id: string; reference: string; position: number; name: string }>;
      widgets.push({ titleKey: 'serviceEvaluation.dashboard.evaluatorTitle', partial: 'service-evaluation/dashboard-widget', order: 12, data: { kind: 'evaluator', toScore } });
    }
    if (user.roles.includes('bureau_officer')) {
      const understaffed = (await this.dataSource.query(
        `SELECT c.id, c.reference FROM contracts c
          WHERE c.status = 'active' AND (SELECT count(*) FROM service_evaluators e WHERE e.contract_id = c.id AND e.status = 'active') < $1
          ORDER BY c.reference LIMIT 20`,
        [MIN_EVALUATORS],
      )) as Array<{ id: string; reference: string }>;
      const rectifying = (await this.dataSource.query(
        `SELECT c.id, c.reference, r.milestone_position AS position, r.deadline FROM milestone_rectifications r JOIN contracts c ON c.id = r.contract_id
          JOIN contract_milestones m ON m.contract_id = r.contract_id AND m.position = r.milestone_position
          WHERE r.status = 'open' AND m.status = 'rectification' ORDER BY r.deadline LIMIT 20`,
      )) as Array<{ id: string; reference: string; position: number; deadline: Date }>;
      if (understaffed.length || rectifying.length) {
        widgets.push({ titleKey: 'serviceEvaluation.dashboard.officerTitle', partial: 'service-evaluation/dashboard-widget', order: 17, data: { kind: 'officer', understaffed, rectifying } });
      }
    }
    return widgets;
  }
}
