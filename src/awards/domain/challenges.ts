/**
 * Challenges (质疑) against an award. Pure: texts are checked here, the clock and the award's
 * state are passed in.
 *
 *   open → dismissed                          the award stands
 *   open → upheld, outcome rerun_evaluation   award superseded, evaluation round superseded,
 *                                             project back to evaluation for a new round
 *   open → upheld, outcome cancel_award       award cancelled, project back to evaluation
 *                                             (the same, signed-off ranking may be awarded again)
 */
export const CHALLENGE_DECISIONS = ['dismiss', 'uphold'] as const;
export type ChallengeDecision = (typeof CHALLENGE_DECISIONS)[number];
export const CHALLENGE_OUTCOMES = ['rerun_evaluation', 'cancel_award'] as const;
/**
 * Upheld against the documents or a procedural step (财政部令第94号 第十六条): correct (clarify or
 * amend the documents, redo the step) and continue, or start the procurement again. Recorded with
 * the answer; the officer then carries it out (an amendment, a cancellation) on the project pages.
 */
export const PROCEDURE_OUTCOMES = ['correct_and_continue', 'restart_procurement'] as const;
export type ChallengeOutcome = (typeof CHALLENGE_OUTCOMES)[number] | (typeof PROCEDURE_OUTCOMES)[number];

/** What a challenge is against (政府采购法实施条例 第五十三条(一)(二)(三)). */
export const CHALLENGE_SUBJECTS = ['result', 'documents', 'procedure'] as const;
export type ChallengeSubject = (typeof CHALLENGE_SUBJECTS)[number];
/** Procedural steps a bidder may challenge, each from the day it ended: the opening, the evaluation (sign-off). */
export const PROCEDURE_STEPS = ['bid_opening', 'evaluation'] as const;
export type ProcedureStep = (typeof PROCEDURE_STEPS)[number];

/** The outcomes an upheld challenge of this subject may have. */
export function outcomesFor(subject: ChallengeSubject): readonly ChallengeOutcome[] {
  return subject === 'result' ? CHALLENGE_OUTCOMES : PROCEDURE_OUTCOMES;
}
export type ChallengeStatus = 'open' | 'upheld' | 'dismissed';

export const GROUNDS_MIN = 10;
export const GROUNDS_MAX = 20_000;
export const ANSWER_MIN = 10;
export const ANSWER_MAX = 20_000;
export const ATTACHMENTS_MAX = 5;

export type TextProblem = { field: string; key: 'textLength'; params: { min: number; max: number } } | { field: string; key: 'choose' };

function length(value: string): number {
  return Array.from(value).length;
}

export function checkGrounds(grounds: string): TextProblem[] {
  const n = length(grounds.trim());
  return n < GROUNDS_MIN || n > GROUNDS_MAX ? [{ field: 'grounds', key: 'textLength', params: { min: GROUNDS_MIN, max: GROUNDS_MAX } }] : [];
}

export interface AnswerInput {
  decision: string;
  outcome?: string | null;
  answer: string;
  /** Committee members found at fault (re-run only): barred from the new committee (财政部令第87号 第六十七条). */
  faultedMemberIds?: readonly string[] | string | null;
}

export interface CheckedAnswer {
  status: Exclude<ChallengeStatus, 'open'>;
  outcome: ChallengeOutcome | null;
  answer: string;
  /** Only with a re-run; otherwise empty. */
  faultedMemberIds: string[];
}

/** A form sends one checkbox as a string and several as an array. */
function idList(value: AnswerInput['faultedMemberIds']): string[] {
  if (value === null || value === undefined || value === '') return [];
  return [...new Set((Array.isArray(value) ? value : [value]).map((v) => String(v).trim()).filter(Boolean))];
}

export function checkAnswer(input: AnswerInput, subject: ChallengeSubject = 'result'): { answer: CheckedAnswer | null; problems: TextProblem[] } {
  const problems: TextProblem[] = [];
  const decision = (CHALLENGE_DECISIONS as readonly string[]).includes(input.decision) ? (input.decision as ChallengeDecision) : null;
  if (!decision) problems.push({ field: 'decision', key: 'choose' });
  const outcome = (outcomesFor(subject) as readonly string[]).includes(input.outcome ?? '') ? (input.outcome as ChallengeOutcome) : null;
  if (decision === 'uphold' && !outcome) problems.push({ field: 'outcome', key: 'choose' });
  const answer = input.answer.trim();
  if (length(answer) < ANSWER_MIN || length(answer) > ANSWER_MAX) problems.push({ field: 'answer', key: 'textLength', params: { min: ANSWER_MIN, max: ANSWER_MAX } });
  const faulted = idList(input.faultedMemberIds);
  // Members found at fault only matter when a new committee will be formed.
  if (faulted.length && !(decision === 'uphold' && outcome === 'rerun_evaluation')) problems.push({ field: 'faultedMemberIds', key: 'choose' });
  if (problems.length || !decision) return { answer: null, problems };
  return {
    answer:
      decision === 'uphold'
        ? { status: 'upheld', outcome, answer, faultedMemberIds: outcome === 'rerun_evaluation' ? faulted : [] }
        : { status: 'dismissed', outcome: null, answer, faultedMemberIds: [] },
    problems,
  };
}

export interface UpheldEffect {
  awardStatus: 'superseded' | 'cancelled';
  supersedesEvaluation: boolean;
  projectStatus: 'evaluation';
}

/** What an upheld challenge against the result does to the award, the evaluation round and the project. */
export function upheldEffect(outcome: (typeof CHALLENGE_OUTCOMES)[number]): UpheldEffect {
  return outcome === 'rerun_evaluation'
    ? { awardStatus: 'superseded', supersedesEvaluation: true, projectStatus: 'evaluation' }
    : { awardStatus: 'cancelled', supersedesEvaluation: false, projectStatus: 'evaluation' };
}
