/**
 * The time the committee gives a bidder to explain an abnormally low price, and what happens
 * when it passes. 《政府采购货物和服务招标投标管理办法》（财政部令第87号）第六十条: the committee
 * asks the bidder for a written explanation "在评标现场合理的时间内" (within a reasonable time it
 * sets); a bidder that cannot show its price is reasonable is treated as an invalid bid
 * (作为无效投标处理). So an inquiry left unanswered when its time has passed no longer holds up the
 * sign-off: it is recorded as lapsed and the bid as invalid for an abnormally low price. Pure.
 */
export const LOW_PRICE_CITATION = {
  zh: '《政府采购货物和服务招标投标管理办法》（财政部令第87号）第六十条：投标人不能在评标委员会规定的合理时间内证明其报价合理性的，作为无效投标处理',
  en: 'MOF Order 87, art. 60: a bidder that cannot show within the time the committee sets that its price is reasonable is treated as an invalid bid',
} as const;

/** The limit the committee may set, in whole hours (at least one hour, at most three days). */
export const EXPLANATION_HOURS_MIN = 1;
export const EXPLANATION_HOURS_MAX = 72;
/** What the close form proposes; the committee changes it as it sees fit. */
export const EXPLANATION_HOURS_DEFAULT = 24;

const HOUR = 3_600_000;

/** Whole hours as typed (full-width digits accepted), or null when not a whole number 1–72. */
export function parseExplanationHours(raw: unknown): number | null {
  const text = typeof raw === 'string' ? raw.trim().normalize('NFKC') : typeof raw === 'number' ? String(raw) : '';
  if (!/^\d{1,3}$/.test(text)) return null;
  const hours = Number(text);
  return hours >= EXPLANATION_HOURS_MIN && hours <= EXPLANATION_HOURS_MAX ? hours : null;
}

/** The instant the explanation is due: the close of the review (database clock) + the hours set. */
export function explanationDueAt(closedAt: Date, hours: number): Date {
  return new Date(closedAt.getTime() + hours * HOUR);
}

export interface InquiryFacts {
  explanation: string | null;
  accepted: boolean | null;
  /** Null for inquiries opened before time limits existed: they never lapse. */
  explanationDueAt: Date | null;
}

/** May the bidder still explain? Not once decided, and not at or after the due instant. */
export function canStillExplain(inquiry: InquiryFacts, now: Date): boolean {
  if (inquiry.accepted !== null) return false;
  return inquiry.explanationDueAt === null || now.getTime() < inquiry.explanationDueAt.getTime();
}

/** Undecided, unanswered and past its time: the sign-off goes on and the bid is invalid (第六十条). */
export function hasLapsed(inquiry: InquiryFacts, now: Date): boolean {
  return inquiry.accepted === null && inquiry.explanation === null && inquiry.explanationDueAt !== null && now.getTime() >= inquiry.explanationDueAt.getTime();
}
