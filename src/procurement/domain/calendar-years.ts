import { addDays, isLocalDate } from './local-time';
import { Problems, addProblem, charLength, parseWholeNumber, text } from './problems';
import { CalendarDay, CalendarDayKind } from './working-days';

/**
 * A year's holiday arrangement as the State Council publishes it (国务院办公厅关于 YYYY 年部分节假日
 * 安排的通知, document number 国办发明电〔…〕…号): the public holidays and the make-up working days
 * (调休上班). Entered once a year by an admin; until a year is entered no period may reach it
 * (working-days.ts refuses, naming the year). Pure.
 */
export interface YearArrangementInput {
  year: unknown;
  noticeTitle: unknown;
  noticeNumber: unknown;
  /** One entry a line: `2027-02-06~2027-02-14 休 春节 / Spring Festival` or `2027-02-20 班 春节调休上班 / Make-up working day`. */
  entries: unknown;
}

export interface YearArrangement {
  year: number;
  noticeTitle: string;
  noticeNumber: string;
  /** Empty: keep the days already entered for the year and only record the notice. */
  days: CalendarDay[];
}

const KINDS: Record<string, CalendarDayKind> = { 休: 'holiday', holiday: 'holiday', 班: 'workday', workday: 'workday' };
const LINE = /^(\d{4}-\d{2}-\d{2})(?:\s*[~～至]\s*(\d{4}-\d{2}-\d{2}))?\s+(\S+)\s+(.+?)\s*\/\s*(.+)$/;

/** The entries typed on the calendar page, one a line; problems name the line. */
export function parseArrangementEntries(year: number, raw: string): { days: CalendarDay[]; problems: string[] } {
  const days = new Map<string, CalendarDay>();
  const problems: string[] = [];
  raw.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim().normalize('NFKC').replace(/\s+/g, ' ');
    if (!line) return;
    const match = LINE.exec(line);
    const kind = match ? KINDS[match[3].toLowerCase()] : undefined;
    if (!match || !kind) return void problems.push(`${index + 1}`);
    const [from, to = match[1]] = [match[1], match[2]];
    if (!isLocalDate(from) || !isLocalDate(to) || to < from || from.slice(0, 4) !== String(year) || to.slice(0, 4) !== String(year)) {
      return void problems.push(`${index + 1}`);
    }
    const nameZh = match[4].trim();
    const nameEn = match[5].trim();
    if (charLength(nameZh) > 50 || charLength(nameEn) > 80) return void problems.push(`${index + 1}`);
    for (let day = from; day <= to; day = addDays(day, 1)) {
      if (days.has(day)) problems.push(`${index + 1}`);
      days.set(day, { day, kind, nameZh, nameEn });
    }
  });
  return { days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)), problems: [...new Set(problems)] };
}

/**
 * Checks the year form. `hasDaysAlready`: the year already has entries, so the entries may be
 * left empty to record only the notice (e.g. the document number of a year loaded earlier).
 */
export function checkYearArrangement(input: YearArrangementInput, hasDaysAlready: (year: number) => boolean): { arrangement: YearArrangement | null; problems: Problems } {
  const problems: Problems = {};
  const year = parseWholeNumber(input.year);
  if (year === null || year < 2000 || year > 2200) addProblem(problems, 'year', 'wholeNumberBetween', { min: 2000, max: 2200 });
  const noticeTitle = text(input.noticeTitle);
  const noticeNumber = text(input.noticeNumber);
  if (charLength(noticeTitle) < 5 || charLength(noticeTitle) > 200) addProblem(problems, 'noticeTitle', 'textLength', { min: 5, max: 200 });
  if (charLength(noticeNumber) < 3 || charLength(noticeNumber) > 60) addProblem(problems, 'noticeNumber', 'textLength', { min: 3, max: 60 });
  let days: CalendarDay[] = [];
  if (year !== null && !problems.year) {
    const parsed = parseArrangementEntries(year, text(input.entries));
    days = parsed.days;
    if (parsed.problems.length) addProblem(problems, 'entries', 'arrangementLines', { lines: parsed.problems.join(', '), year });
    else if (!days.some((d) => d.kind === 'holiday') && !(days.length === 0 && hasDaysAlready(year))) addProblem(problems, 'entries', 'arrangementEmpty', { year });
  }
  if (Object.keys(problems).length) return { arrangement: null, problems };
  return { arrangement: { year: year!, noticeTitle, noticeNumber, days }, problems };
}

/**
 * The years a staff dashboard warns about on `today` (a Shanghai date): this year while it is
 * missing, and from 1 November next year while it is missing (the notice usually comes out in
 * November, and tender periods published in late November already reach January).
 */
export function missingCalendarYears(today: string, entered: ReadonlySet<number>): number[] {
  const year = Number(today.slice(0, 4));
  const missing: number[] = [];
  if (!entered.has(year)) missing.push(year);
  if (today.slice(5) >= '11-01' && !entered.has(year + 1)) missing.push(year + 1);
  return missing;
}
