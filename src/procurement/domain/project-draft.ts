import { EVALUATION_GRADES } from '../../organisations/domain/registration';
import { formatMinor, parseYuanToMinor } from '../../common/money/money';
import { Criterion, CriterionRow, checkCriteria, isBlankRow } from './criteria';
import { localDateOf, parseLocalDateTime } from './local-time';
import { MethodRule, ProcurementMethod, isProcurementMethod, ruleInForce } from './method-rules';
import { Milestone, MilestoneRow, checkMilestones } from './milestones';
import { Problems, addProblem, charLength, hasProblems, mergeProblems, parseWholeNumber, text } from './problems';
import { checkServicePeriod, checkTimetable } from './timetable';
import { DeadlineExplanation, WorkingCalendar } from './working-days';

/**
 * Everything a project must satisfy before it may be saved as a draft and again, against the
 * clock, the rules and the fund as they are then, when it is published. Pure: the caller loads
 * the catalogue, rules, fund and calendar; the form's raw strings go in, a clean draft or the
 * problems by field come out.
 */
export const PURCHASER_LEVELS = ['district', 'sub_district', 'community'] as const;
export type PurchaserLevel = (typeof PURCHASER_LEVELS)[number];
export const MAX_ITEMS = 5;
export const MAX_QUANTITY = 10_000_000;

export interface ItemRow {
  code?: unknown;
  quantity?: unknown;
  notes?: unknown;
}

export interface ProjectFormInput {
  purchaserLevel?: unknown;
  purchaserName?: unknown;
  title?: unknown;
  description?: unknown;
  serviceArea?: unknown;
  serviceStart?: unknown;
  serviceEnd?: unknown;
  longPeriodJustification?: unknown;
  budgetCeiling?: unknown;
  fundId?: unknown;
  reservation?: unknown;
  method?: unknown;
  invitedOrganisationId?: unknown;
  eligibilityCategories?: boolean;
  eligibilityMinSocialWorkers?: unknown;
  eligibilityMinGrade?: unknown;
  priceWeight?: unknown;
  items?: readonly ItemRow[];
  criteria?: readonly CriterionRow[];
  milestones?: readonly MilestoneRow[];
  questionDeadline?: unknown;
  bidDeadline?: unknown;
}

export interface CatalogueEntry {
  categoryCode: string;
  unitCode: string;
}

export interface DraftContext {
  /** Active catalogue items by code. */
  catalogue: ReadonlyMap<string, CatalogueEntry>;
  rules: readonly MethodRule[];
  /** The fund chosen in the form, or null when there is none with that id. */
  fund: { id: string; availableMinor: number; isActive: boolean } | null;
  /** The organisation invited (single source), or null when there is none with that id. */
  invited: { id: string; status: string } | null;
  calendar: WorkingCalendar;
  /** The database time: the deadline is checked as if the project were published now. */
  now: Date;
}

export interface ProjectItem {
  position: number;
  itemCode: string;
  quantity: number;
  unitCode: string;
  notes: string | null;
  categoryCode: string;
}

export interface ProjectDraft {
  purchaserLevel: PurchaserLevel;
  purchaserName: string;
  title: string;
  description: string;
  serviceArea: string[];
  serviceStart: string;
  serviceEnd: string;
  longPeriodJustification: string | null;
  budgetCeilingMinor: number;
  fundId: string;
  reservationMinor: number;
  method: ProcurementMethod;
  rule: MethodRule;
  invitedOrganisationId: string | null;
  eligibilityCategories: boolean;
  eligibilityMinSocialWorkers: number | null;
  eligibilityMinGrade: string | null;
  priceWeight: number;
  items: ProjectItem[];
  criteria: Criterion[];
  milestones: Milestone[];
  questionDeadline: Date;
  bidDeadline: Date;
  /** How the earliest deadline was found, counted from `context.now`. */
  deadlineExplanation: DeadlineExplanation;
}

/** "A社区、B社区, C社区" → ['A社区', 'B社区', 'C社区']. */
export function parseServiceArea(value: unknown): string[] {
  const parts = text(value)
    .split(/[,，、;；\n\r]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  return [...new Set(parts)];
}

function checkItems(rows: readonly ItemRow[], catalogue: ReadonlyMap<string, CatalogueEntry>): { items: ProjectItem[]; problems: Problems } {
  const problems: Problems = {};
  const items: ProjectItem[] = [];
  const seen = new Set<string>();
  if (rows.length > MAX_ITEMS) addProblem(problems, 'items', 'tooManyRows', { max: MAX_ITEMS });
  rows.forEach((row, index) => {
    if (isBlankRow(row as Record<string, unknown>)) return;
    const at = (field: string) => `items.${index}.${field}`;
    const code = text(row.code).toUpperCase();
    const entry = catalogue.get(code);
    if (!entry) addProblem(problems, at('code'), code ? 'itemUnknown' : 'itemRequired', { code });
    else if (seen.has(code)) addProblem(problems, at('code'), 'itemDuplicate');
    seen.add(code);
    const quantity = parseWholeNumber(row.quantity);
    if (quantity === null || quantity < 1 || quantity > MAX_QUANTITY) addProblem(problems, at('quantity'), 'quantity', { max: MAX_QUANTITY });
    const notes = text(row.notes);
    if (charLength(notes) > 500) addProblem(problems, at('notes'), 'textLength', { min: 0, max: 500 });
    if (entry) items.push({ position: items.length + 1, itemCode: code, quantity: quantity ?? 0, unitCode: entry.unitCode, notes: notes || null, categoryCode: entry.categoryCode });
  });
  if (items.length === 0 && !Object.keys(problems).some((k) => k.startsWith('items.'))) addProblem(problems, 'items', 'itemsRequired');
  return { items, problems };
}

export function checkProjectDraft(input: ProjectFormInput, context: DraftContext): { draft: ProjectDraft | null; problems: Problems } {
  const problems: Problems = {};
  const purchaserLevel = text(input.purchaserLevel);
  if (!(PURCHASER_LEVELS as readonly string[]).includes(purchaserLevel)) addProblem(problems, 'purchaserLevel', 'choose');
  const purchaserName = text(input.purchaserName);
  if (charLength(purchaserName) < 2 || charLength(purchaserName) > 100) addProblem(problems, 'purchaserName', 'textLength', { min: 2, max: 100 });
  const title = text(input.title);
  if (charLength(title) < 4 || charLength(title) > 200) addProblem(problems, 'title', 'textLength', { min: 4, max: 200 });
  const description = text(input.description);
  if (charLength(description) < 10 || charLength(description) > 20000) addProblem(problems, 'description', 'textLength', { min: 10, max: 20000 });
  const serviceArea = parseServiceArea(input.serviceArea);
  if (serviceArea.length === 0) addProblem(problems, 'serviceArea', 'serviceAreaRequired');
  else if (serviceArea.length > 50 || serviceArea.some((a) => charLength(a) > 50)) addProblem(problems, 'serviceArea', 'serviceAreaTooLong');

  const period = checkServicePeriod(input.serviceStart, input.serviceEnd, input.longPeriodJustification);
  mergeProblems(problems, period.problems);

  // Money: the ceiling, and the reservation that must cover it, within what the fund has left.
  const budgetCeilingMinor = parseYuanToMinor(text(input.budgetCeiling));
  if (budgetCeilingMinor === null || budgetCeilingMinor <= 0) addProblem(problems, 'budgetCeiling', 'amount');
  const reservationRaw = text(input.reservation);
  const reservationMinor = reservationRaw === '' ? budgetCeilingMinor : parseYuanToMinor(reservationRaw);
  if (reservationMinor === null || reservationMinor <= 0) addProblem(problems, 'reservation', 'amount');
  else if (budgetCeilingMinor !== null && reservationMinor < budgetCeilingMinor) {
    addProblem(problems, 'reservation', 'reservationBelowCeiling', { ceiling: formatMinor(budgetCeilingMinor) });
  }
  const fund = context.fund;
  if (!fund || !fund.isActive) addProblem(problems, 'fundId', 'fundRequired');
  else if (reservationMinor !== null && reservationMinor > fund.availableMinor) {
    addProblem(problems, 'reservation', 'fundInsufficient', { available: formatMinor(fund.availableMinor) });
  }

  // The method and the rule in force on the (tentative) publication date.
  const method = text(input.method);
  const rule = isProcurementMethod(method) ? ruleInForce(context.rules, method, localDateOf(context.now)) : null;
  if (!isProcurementMethod(method)) addProblem(problems, 'method', 'methodRequired');
  else if (!rule) addProblem(problems, 'method', 'noRuleInForce');

  const invitedId = text(input.invitedOrganisationId);
  let invitedOrganisationId: string | null = null;
  if (rule?.invitedOnly || method === 'single_source') {
    if (!invitedId) addProblem(problems, 'invitedOrganisationId', 'invitationRequired');
    else if (!context.invited || context.invited.id !== invitedId || context.invited.status !== 'approved') addProblem(problems, 'invitedOrganisationId', 'invitationNotApproved');
    else invitedOrganisationId = invitedId;
  }

  const minWorkersRaw = text(input.eligibilityMinSocialWorkers);
  const eligibilityMinSocialWorkers = minWorkersRaw === '' ? null : parseWholeNumber(minWorkersRaw);
  if (minWorkersRaw !== '' && (eligibilityMinSocialWorkers === null || eligibilityMinSocialWorkers > 1000)) {
    addProblem(problems, 'eligibilityMinSocialWorkers', 'wholeNumberBetween', { min: 0, max: 1000 });
  }
  const gradeRaw = text(input.eligibilityMinGrade);
  const eligibilityMinGrade = gradeRaw === '' || gradeRaw === 'none' ? null : gradeRaw;
  if (eligibilityMinGrade !== null && !(EVALUATION_GRADES as readonly string[]).includes(eligibilityMinGrade)) addProblem(problems, 'eligibilityMinGrade', 'choose');

  const items = checkItems(input.items ?? [], context.catalogue);
  mergeProblems(problems, items.problems);

  let priceWeight: number | null = null;
  let criteria: Criterion[] = [];
  if (rule) {
    const checked = checkCriteria(input.priceWeight, input.criteria ?? [], rule);
    mergeProblems(problems, checked.problems);
    priceWeight = checked.priceWeight;
    criteria = checked.criteria;
  }

  const milestones = checkMilestones(input.milestones ?? [], period.start && period.end ? { start: period.start, end: period.end } : null);
  mergeProblems(problems, milestones.problems);

  const questionDeadline = parseLocalDateTime(input.questionDeadline);
  const bidDeadline = parseLocalDateTime(input.bidDeadline);
  let deadlineExplanation: DeadlineExplanation | null = null;
  if (rule) {
    const timetable = checkTimetable({ questionDeadline, bidDeadline, serviceStart: period.start }, context.now, rule, context.calendar);
    mergeProblems(problems, timetable.problems);
    deadlineExplanation = timetable.explanation;
  }

  if (hasProblems(problems) || !rule || !deadlineExplanation) return { draft: null, problems };
  return {
    draft: {
      purchaserLevel: purchaserLevel as PurchaserLevel,
      purchaserName,
      title,
      description,
      serviceArea,
      serviceStart: period.start!,
      serviceEnd: period.end!,
      longPeriodJustification: period.justification,
      budgetCeilingMinor: budgetCeilingMinor!,
      fundId: fund!.id,
      reservationMinor: reservationMinor!,
      method: method as ProcurementMethod,
      rule,
      invitedOrganisationId,
      eligibilityCategories: input.eligibilityCategories !== false,
      eligibilityMinSocialWorkers,
      eligibilityMinGrade,
      priceWeight: priceWeight!,
      items: items.items,
      criteria,
      milestones: milestones.milestones,
      questionDeadline: questionDeadline!,
      bidDeadline: bidDeadline!,
      deadlineExplanation,
    },
    problems,
  };
}
