import { IsoDate, isCalendarDate } from './conflicts';

/**
 * Rules for declaring and ending an evaluator's relationship with an organisation (pure).
 * Each returns the i18n keys of the problems found, per field, so pages can show them beside
 * the inputs; an empty object means acceptable.
 */
export const RELATIONSHIP_KINDS = ['employment', 'directorship', 'close_relative_of_legal_representative', 'other'] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

export type FieldProblems = Record<string, string[]>;

export interface NewRelationship {
  kind: string;
  startedOn: string;
  note?: string | null;
}

export function declarationProblems(input: NewRelationship): FieldProblems {
  const problems: FieldProblems = {};
  if (!(RELATIONSHIP_KINDS as readonly string[]).includes(input.kind)) problems.kind = ['evaluators.validation.kind'];
  if (!isCalendarDate(input.startedOn)) problems.startedOn = ['evaluators.validation.date'];
  if (input.kind === 'other' && !input.note?.trim()) problems.note = ['evaluators.validation.noteRequiredForOther'];
  return problems;
}

/** A relationship ends on a real date, not before it started and not after `today`. */
export function endingProblems(relationship: { startedOn: IsoDate }, endedOn: string, today: IsoDate): FieldProblems {
  if (!isCalendarDate(endedOn)) return { endedOn: ['evaluators.validation.date'] };
  if (endedOn < relationship.startedOn) return { endedOn: ['evaluators.validation.endBeforeStart'] };
  if (endedOn > today) return { endedOn: ['evaluators.validation.endInFuture'] };
  return {};
}
