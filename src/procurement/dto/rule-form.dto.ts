import { FormCheckbox, FormText } from './form-text';

export class RuleFormDto {
  @FormText(40) method?: string;
  @FormText(20) effectiveFrom?: string;
  @FormText(10) minPeriod?: string;
  @FormText(20) periodUnit?: string;
  @FormText(10) minValidBids?: string;
  @FormText(10) minValidBidsServices?: string;
  @FormText(20) scoring?: string;
  @FormText(10) priceWeightMin?: string;
  @FormText(10) priceWeightMax?: string;
  @FormText(10) committeeMinSize?: string;
  @FormText(10) committeeLargeSize?: string;
  @FormText(40) largeBudgetYuan?: string;
  @FormCheckbox(false) allowsBureauRepresentative?: boolean;
  @FormCheckbox(false) invitedOnly?: boolean;
  @FormText(10) amendmentMinPeriod?: string;
  @FormText(20) amendmentPeriodUnit?: string;
  @FormText(10) abnormallyLowPercent?: string;
  @FormText(4000) citationZh?: string;
  @FormText(4000) citationEn?: string;
}

export class CalendarDayDto {
  @FormText(20) day?: string;
  @FormText(20) kind?: string;
  @FormText(200) nameZh?: string;
  @FormText(200) nameEn?: string;
}

export class CalendarYearDto {
  @FormText(10) year?: string;
  @FormText(400) noticeTitle?: string;
  @FormText(200) noticeNumber?: string;
  @FormText(20000) entries?: string;
}
