import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, ValidateNested } from 'class-validator';
import { FormCheckbox, FormText } from './form-text';

export class ItemRowDto {
  @FormText(20) code?: string;
  @FormText(20) quantity?: string;
  @FormText(1000) notes?: string;
}

export class CriterionRowDto {
  @FormText(200) name?: string;
  @FormText(4000) description?: string;
  @FormText(10) weight?: string;
}

export class MilestoneRowDto {
  @FormText(200) name?: string;
  @FormText(20) dueDate?: string;
  @FormText(4000) deliverables?: string;
  @FormText(10) share?: string;
}

/** The project form (create and edit draft): repeated fieldsets with blank rows ignored. */
export class ProjectFormDto {
  @FormText(40) purchaserLevel?: string;
  @FormText(200) purchaserName?: string;
  @FormText(400) title?: string;
  @FormText(40000) description?: string;
  @FormText(4000) serviceArea?: string;
  @FormText(20) serviceStart?: string;
  @FormText(20) serviceEnd?: string;
  @FormText(4000) longPeriodJustification?: string;
  @FormText(40) budgetCeiling?: string;
  @FormText(40) fundId?: string;
  @FormText(40) reservation?: string;
  @FormText(40) method?: string;
  @FormText(40) invitedOrganisationId?: string;
  @FormCheckbox(true) eligibilityCategories?: boolean;
  @FormText(10) eligibilityMinSocialWorkers?: string;
  @FormText(10) eligibilityMinGrade?: string;
  @FormText(10) priceWeight?: string;
  @FormText(30) questionDeadline?: string;
  @FormText(30) bidDeadline?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => ItemRowDto)
  items?: ItemRowDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => CriterionRowDto)
  criteria?: CriterionRowDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => MilestoneRowDto)
  milestones?: MilestoneRowDto[];
}

export class AmendCriterionRowDto {
  @FormText(200) name?: string;
  @FormText(4000) description?: string;
}

export class AmendMilestoneRowDto {
  @FormText(20) dueDate?: string;
  @FormText(4000) deliverables?: string;
}

/** A clarification (text) or an amendment (text plus what it changes). */
export class AmendmentFormDto {
  @FormText(20) kind?: string;
  @FormText(400) title?: string;
  @FormText(40000) body?: string;
  @FormText(4000) noEffectReason?: string;
  @FormText(40000) description?: string;
  @FormText(30) bidDeadline?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => AmendCriterionRowDto)
  criteria?: AmendCriterionRowDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => AmendMilestoneRowDto)
  milestones?: AmendMilestoneRowDto[];
}

export class ReasonDto {
  @FormText(4000) reason?: string;
}

export class QuestionDto {
  @FormText(4000) question?: string;
}

export class AnswerDto {
  @FormText(10000) answer?: string;
}
