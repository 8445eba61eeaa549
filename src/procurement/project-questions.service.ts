import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { formatDateTime } from '../common/views/view-helpers';
import { NotificationsService } from '../notifications/notifications.service';
import { eligibilityProblems } from './domain/eligibility';
import { addProblem, charLength, Problems, text } from './domain/problems';
import { checkTransition } from './domain/project-lifecycle';
import { loadOrganisationFacts } from './organisation-facts';
import {
  InvalidTransitionError,
  NoOrganisationError,
  NotEligibleError,
  ProcurementValidationError,
  QuestionAlreadyAnsweredError,
  QuestionNotFoundError,
  QuestionWindowClosedError,
} from './procurement.errors';
import { ProjectQuestion } from './project.entity';
import { ProjectsService } from './projects.service';
import { isUuid } from '../common/validation/uuid';

/**
 * Questions from eligible organisations before the question deadline, and the bureau's answers,
 * published without the asker's identity.
 */
@Injectable()
export class ProjectQuestionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly projects: ProjectsService,
    private readonly notifications: NotificationsService,
  ) {}

  async ask(actor: Actor, projectId: string, question: string): Promise<{ id: string }> {
    if (!actor.organisationId || !actor.userId) throw new NoOrganisationError();
    const cleaned = text(question);
    if (charLength(cleaned) < 5 || charLength(cleaned) > 2000) {
      const problems: Problems = {};
      addProblem(problems, 'question', 'textLength', { min: 5, max: 2000 });
      throw new ProcurementValidationError(problems);
    }
    return this.dataSource.transaction(async (manager) => {
      // Share locks: the project cannot change status, nor the organisation be suspended, meanwhile.
      const project = await this.projects.getProjectForBidding(manager, projectId, { lock: 'share' });
      if (!checkTransition('ask', project.status).ok) throw new InvalidTransitionError('ask', project.status);
      const now = await this.clock.now(manager);
      if (!project.questionDeadlineAt || now.getTime() >= project.questionDeadlineAt.getTime()) {
        throw new QuestionWindowClosedError(formatDateTime(project.questionDeadlineAt));
      }
      const organisation = await loadOrganisationFacts(manager, actor.organisationId!, true);
      if (!organisation) throw new NoOrganisationError();
      const problems = eligibilityProblems(organisation, project);
      if (problems.length) throw new NotEligibleError(problems);
      const id = randomUUID();
      await manager.insert(ProjectQuestion, { id, projectId: project.id, organisationId: organisation.id, askedBy: actor.userId!, question: cleaned, askedAt: now });
      await this.audit.record(manager, actor, {
        action: 'project_question.asked',
        entityType: 'project_question',
        entityId: id,
        details: { projectId: project.id, organisationId: organisation.id, length: charLength(cleaned) },
      });
      const [{ created_by: officer }] = (await manager.query(`SELECT created_by FROM projects WHERE id = $1`, [project.id])) as { created_by: string }[];
      await this.notifications.notify(manager, {
        recipients: { userIds: [officer] },
        kind: 'project.question_asked',
        titleKey: 'procurement.notifications.questionAsked',
        params: { reference: project.reference, title: project.title },
        link: `/staff/projects/${project.id}#questions`,
      });
      return { id };
    });
  }

  /** Answers once; the answer is published at once, without the asker's identity. */
  async answer(actor: Actor, projectId: string, questionId: string, answer: string): Promise<void> {
    const cleaned = text(answer);
    if (charLength(cleaned) < 2 || charLength(cleaned) > 5000) {
      const problems: Problems = {};
      addProblem(problems, 'answer', 'textLength', { min: 2, max: 5000 });
      throw new ProcurementValidationError(problems);
    }
    await this.dataSource.transaction(async (manager) => {
      const project = await this.projects.lockProject(manager, projectId, 'share');
      if (!checkTransition('answer', project.status).ok) throw new InvalidTransitionError('answer', project.status);
      const question = isUuid(questionId) ? await manager.findOne(ProjectQuestion, { where: { id: questionId, projectId: project.id }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!question) throw new QuestionNotFoundError();
      if (question.answer !== null) throw new QuestionAlreadyAnsweredError();
      const now = await this.clock.now(manager);
      await manager.update(ProjectQuestion, { id: question.id }, { answer: cleaned, answeredAt: now, answeredBy: actor.userId });
      await this.audit.record(manager, actor, {
        action: 'project_question.answered',
        entityType: 'project_question',
        entityId: question.id,
        details: { projectId: project.id, length: charLength(cleaned) },
      });
      await this.notifications.notify(manager, {
        recipients: { organisationIds: [question.organisationId] },
        kind: 'project.question_answered',
        titleKey: 'procurement.notifications.questionAnswered',
        params: { reference: project.reference, title: project.title },
        link: `/projects/${project.id}#qa`,
      });
    });
  }
}
