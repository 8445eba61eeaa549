import { Criterion, qualificationTermIn } from './criteria';
import { isLocalDate, localDateOf } from './local-time';
import { MethodRule } from './method-rules';
import { Milestone } from './milestones';
import { Problems, addProblem, charLength, text } from './problems';
import { CalendarYearMissingError, DeadlineExplanation, WorkingCalendar, earliestDeadline, restDayOf } from './working-days';

/**
 * When an amendment moves the bid deadline (《政府采购货物和服务招标投标管理办法》第二十七条):
 * a deadline the buyer sets is never shorter than the method's minimum from publication and
 * never in the past; an amendment that changes what bidders must submit needs the method's
 * amendment period before the deadline, and when less is left the deadline moves to amendment
 * time + that period. Pure.
 */
export interface AmendmentDeadlineInput {
  amendedAt: Date;
  publishedAt: Date;
  currentDeadline: Date;
  /** A new deadline the buyer asks for, or null to keep the current one. */
  requestedDeadline: Date | null;
  questionDeadline: Date;
  changesSubmission: boolean;
  rule: Pick<MethodRule, 'minPeriod' | 'periodUnit' | 'amendmentMinPeriod' | 'amendmentPeriodUnit'>;
  calendar: WorkingCalendar;
}

export type AmendmentDeadline =
  | {
      ok: true;
      deadline: Date;
      /** The deadline moved automatically because the amendment came too late. */
      extended: boolean;
      /** Set when the amendment period applied (changesSubmission): why the deadline is where it is. */
      amendmentExplanation: DeadlineExplanation | null;
    }
  | {
      ok: false;
      problem: 'deadlineInPast' | 'deadlineTooEarly' | 'deadlineBeforeQuestions' | 'deadlineOnRestDay' | 'calendarYearMissing';
      explanation?: DeadlineExplanation;
      params?: Record<string, unknown>;
    };

/** The deadline an amendment leaves; an extension counts like any period, so it never ends on a rest day. */
export function amendmentDeadline(input: AmendmentDeadlineInput): AmendmentDeadline {
  try {
    return amendedDeadline(input);
  } catch (error) {
    if (error instanceof CalendarYearMissingError) return { ok: false, problem: 'calendarYearMissing', params: { year: error.year } };
    throw error;
  }
}

function amendedDeadline(input: AmendmentDeadlineInput): AmendmentDeadline {
  const wanted = input.requestedDeadline ?? input.currentDeadline;
  if (input.requestedDeadline) {
    if (input.requestedDeadline.getTime() <= input.amendedAt.getTime()) return { ok: false, problem: 'deadlineInPast' };
    const minimum = earliestDeadline(input.publishedAt, input.rule.minPeriod, input.rule.periodUnit, input.calendar);
    if (input.requestedDeadline.getTime() < minimum.earliest.getTime()) return { ok: false, problem: 'deadlineTooEarly', explanation: minimum.explanation };
    if (input.requestedDeadline.getTime() < input.questionDeadline.getTime()) return { ok: false, problem: 'deadlineBeforeQuestions' };
    if (restDayOf(input.requestedDeadline, input.calendar)) {
      return { ok: false, problem: 'deadlineOnRestDay', params: { date: localDateOf(input.requestedDeadline) } };
    }
  }
  if (!input.changesSubmission) return { ok: true, deadline: wanted, extended: false, amendmentExplanation: null };
  const needed = earliestDeadline(input.amendedAt, input.rule.amendmentMinPeriod, input.rule.amendmentPeriodUnit, input.calendar, 'amendment');
  if (wanted.getTime() >= needed.earliest.getTime()) return { ok: true, deadline: wanted, extended: false, amendmentExplanation: needed.explanation };
  return { ok: true, deadline: needed.earliest, extended: true, amendmentExplanation: needed.explanation };
}

/** Before and after of what an amendment changed (stored in project_amendments.changes). */
export interface AmendmentChanges {
  description?: { before: string; after: string };
  criteria?: Array<{ position: number; name: { before: string; after: string }; description: { before: string; after: string } }>;
  milestones?: Array<{ position: number; dueDate: { before: string; after: string }; deliverables: { before: string; after: string } }>;
  bidDeadline?: { before: string; after: string; extended: boolean };
}

export interface AmendableProject {
  description: string;
  criteria: readonly Criterion[];
  milestones: readonly Milestone[];
  serviceStart: string;
  serviceEnd: string;
}

export interface AmendmentChangeInput {
  description?: unknown;
  criteria?: ReadonlyArray<{ name?: unknown; description?: unknown } | undefined>;
  milestones?: ReadonlyArray<{ dueDate?: unknown; deliverables?: unknown } | undefined>;
}

/**
 * What an amendment may change: the description, the criteria's names and descriptions (not
 * their weights), and the milestones' due dates and deliverables (not their shares). A field
 * left out keeps its value. Returns the changes with before/after, the criteria and milestones
 * as they will be, and the problems by field.
 */
export function checkAmendmentChanges(current: AmendableProject, input: AmendmentChangeInput) {
  const problems: Problems = {};
  const changes: AmendmentChanges = {};
  const pick = (value: unknown, fallback: string) => (value === undefined || value === null ? fallback : text(value));

  const description = pick(input.description, current.description);
  if (description !== current.description) {
    if (charLength(description) < 10 || charLength(description) > 20000) addProblem(problems, 'description', 'textLength', { min: 10, max: 20000 });
    changes.description = { before: current.description, after: description };
  }

  const criteria = current.criteria.map((c, index) => {
    const row = input.criteria?.[index];
    const name = pick(row?.name, c.name);
    const desc = pick(row?.description, c.description);
    const at = (field: string) => `criteria.${index}.${field}`;
    if (name !== c.name || desc !== c.description) {
      if (charLength(name) < 2 || charLength(name) > 100) addProblem(problems, at('name'), 'textLength', { min: 2, max: 100 });
      if (charLength(desc) > 2000) addProblem(problems, at('description'), 'textLength', { min: 0, max: 2000 });
      const nameTerm = qualificationTermIn(name);
      const descTerm = nameTerm ? null : qualificationTermIn(desc);
      if (nameTerm) addProblem(problems, at('name'), 'qualificationScored', { term: nameTerm });
      if (descTerm) addProblem(problems, at('description'), 'qualificationScored', { term: descTerm });
      (changes.criteria ??= []).push({ position: c.position, name: { before: c.name, after: name }, description: { before: c.description, after: desc } });
    }
    return { ...c, name, description: desc };
  });

  let previous: string | null = null;
  const milestones = current.milestones.map((m, index) => {
    const row = input.milestones?.[index];
    const dueDate = pick(row?.dueDate, m.dueDate);
    const deliverables = pick(row?.deliverables, m.deliverables);
    const at = (field: string) => `milestones.${index}.${field}`;
    if (!isLocalDate(dueDate)) addProblem(problems, at('dueDate'), 'date');
    else {
      if (dueDate < current.serviceStart || dueDate > current.serviceEnd) {
        addProblem(problems, at('dueDate'), 'milestoneOutsidePeriod', { start: current.serviceStart, end: current.serviceEnd });
      } else if (previous !== null && dueDate <= previous) addProblem(problems, at('dueDate'), 'milestoneOrder', { previous });
      previous = dueDate;
    }
    if (deliverables !== m.deliverables && (charLength(deliverables) < 2 || charLength(deliverables) > 2000)) {
      addProblem(problems, at('deliverables'), 'textLength', { min: 2, max: 2000 });
    }
    if (dueDate !== m.dueDate || deliverables !== m.deliverables) {
      (changes.milestones ??= []).push({ position: m.position, dueDate: { before: m.dueDate, after: dueDate }, deliverables: { before: m.deliverables, after: deliverables } });
    }
    return { ...m, dueDate, deliverables };
  });
  return { changes, criteria, milestones, problems };
}

// ── Does the amendment extend the deadline? ─────────────────────────────────────────────────

/** Length of the officer's reason that an amendment cannot affect how bids are prepared. */
export const NO_EFFECT_REASON_MIN = 10;
export const NO_EFFECT_REASON_MAX = 2000;

export interface AmendmentEffectInput {
  kind: 'clarification' | 'amendment';
  /** What the amendment changes in the documents (the deadline move is not a document change). */
  changes: Pick<AmendmentChanges, 'description' | 'criteria' | 'milestones'>;
  /** The buyer asked for a different deadline. */
  movesDeadline: boolean;
  /** Why the change cannot affect how bids are prepared, as typed ('' when none). */
  noEffectReason: string;
}

export interface AmendmentEffect {
  /** The amendment period applies: the deadline extends when less is left, submitted bids are flagged. */
  affectsBids: boolean;
  /** The reason to store and publish with the amendment (null when the amendment affects bids). */
  noEffectReason: string | null;
  problems: Problems;
}

/**
 * 《政府采购货物和服务招标投标管理办法》（财政部令第87号）第二十七条 (and 财库〔2014〕214号第十条,
 * 财政部令第74号第二十九条、第四十五条 for the other methods): a change to the procurement documents
 * that may affect how bids are prepared must come at least the method's amendment period before
 * the deadline, or the deadline moves. On this platform every amendment that changes the
 * documents counts as affecting the bids UNLESS the officer records why it cannot; that reason is
 * required in that case and published with the amendment. An amendment whose text is its only
 * content changes the documents too (the text says what). Only moving the deadline, or a
 * clarification, changes nothing bidders prepare. Pure.
 */
export function amendmentEffect(input: AmendmentEffectInput): AmendmentEffect {
  const problems: Problems = {};
  if (input.kind !== 'amendment') return { affectsBids: false, noEffectReason: null, problems };
  const structured = Boolean(input.changes.description || input.changes.criteria || input.changes.milestones);
  const changesDocuments = structured || !input.movesDeadline;
  const reason = text(input.noEffectReason);
  if (!changesDocuments) {
    // Only the deadline moves: nothing to prepare differently, nothing to explain.
    return { affectsBids: false, noEffectReason: null, problems };
  }
  if (reason === '') return { affectsBids: true, noEffectReason: null, problems };
  if (charLength(reason) < NO_EFFECT_REASON_MIN || charLength(reason) > NO_EFFECT_REASON_MAX) {
    addProblem(problems, 'noEffectReason', 'textLength', { min: NO_EFFECT_REASON_MIN, max: NO_EFFECT_REASON_MAX });
  }
  return { affectsBids: false, noEffectReason: reason, problems };
}
