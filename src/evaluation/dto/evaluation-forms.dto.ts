import { IsObject, IsOptional } from 'class-validator';
import { FormCheckbox, FormText } from '../../procurement/dto/form-text';

/**
 * The evaluation pages' forms, taken as typed: the domain rules (src/evaluation/domain) check
 * them and answer by field; here only types and generous length bounds.
 */
export class RequestCommitteeDto {
  /** A bureau officer or approver to sit as the bureau's representative; empty for none. */
  @FormText(40) representativeId?: string;
}

export class DeclarationDto {
  @FormCheckbox(false) accepted?: boolean;
  @FormText(100) signerName?: string;
}

export class RecusalDto {
  @FormText(2000) reason?: string;
}

/** Points and comments per criterion: `points[c1]`, `comments[c1]`, … */
export class ScoreSheetDto {
  @IsOptional() @IsObject() points?: Record<string, unknown>;
  @IsOptional() @IsObject() comments?: Record<string, unknown>;
}

export class QualificationDecisionDto {
  @FormText(20) decision?: string;
  @FormText(40) reasonCode?: string;
  @FormText(2000) reason?: string;
}

export class NoteDto {
  @FormText(2000) note?: string;
}

export class LowPriceDecisionDto {
  @FormText(20) decision?: string;
  @FormText(2000) note?: string;
}

/** Closing the qualification review: the time the bidder gets to explain an abnormally low price. */
export class CloseQualificationDto {
  @FormText(10) explanationHours?: string;
}

export class ExplanationDto {
  @FormText(10000) explanation?: string;
}
