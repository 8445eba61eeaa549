/**
 * Service records of a delivery: the rules every line must meet, whether it was typed into the
 * delivery form or came from an uploaded service log (CSV or XLSX, read into a table of cells
 * by ../service-log.reader.ts). Pure: plain strings in, records or a list of problems out.
 *
 * A service log is all or nothing: one bad line rejects the whole file, and every problem is
 * reported with its line number (the spreadsheet's row number; the header is line 1) and
 * column, so the organisation can fix the file in one go.
 */

export type ServiceColumn = 'itemCode' | 'date' | 'sessions' | 'personVisits' | 'households' | 'hours' | 'note';
export const SERVICE_COLUMNS: readonly ServiceColumn[] = ['itemCode', 'date', 'sessions', 'personVisits', 'households', 'hours', 'note'];
/** Columns a service log must have (date and note may be left out). */
export const REQUIRED_COLUMNS: readonly ServiceColumn[] = ['itemCode', 'sessions', 'personVisits', 'households', 'hours'];

export type ProblemCode =
  | 'missingColumn'
  | 'duplicateColumn'
  | 'noRows'
  | 'tooManyRows'
  | 'itemRequired'
  | 'itemNotInContract'
  | 'dateFormat'
  | 'dateOutsidePeriod'
  | 'dateInFuture'
  | 'wholeNumber'
  | 'numberTooLarge'
  | 'hoursFormat'
  | 'noService'
  | 'noteTooLong';

export interface ServiceLogProblem {
  /** Line (row) of the file, the header being line 1; for the form, the row of the table (1-based); null for the whole file. */
  line: number | null;
  column: ServiceColumn | null;
  /** The column's heading as written in the file (or the standard heading when it is missing). */
  header: string | null;
  code: ProblemCode;
  /** The offending cell, as read. */
  value?: string;
  params?: Record<string, string | number>;
}

export interface ServiceRecordDraft {
  line: number;
  itemCode: string;
  serviceDate: string | null;
  sessions: number;
  personVisits: number;
  households: number;
  /** Hours × 100. */
  hoursCenti: number;
  note: string | null;
}

export interface ServiceLogContext {
  /** The catalogue item codes of the contract. */
  itemCodes: readonly string[];
  /** The contract's service period (YYYY-MM-DD, inclusive). */
  periodStart: string;
  periodEnd: string;
  /** Today in Asia/Shanghai by the database clock: no service is recorded in the future. */
  today: string;
  maxRows?: number;
}

export type ServiceLogResult = { ok: true; records: ServiceRecordDraft[] } | { ok: false; problems: ServiceLogProblem[] };

export type RawRecord = Partial<Record<ServiceColumn, string>>;

export const DEFAULT_MAX_ROWS = 5000;
export const MAX_COUNT = 1_000_000;
export const MAX_HOURS_CENTI = 10_000_000; // 100 000 hours on one line
export const NOTE_MAX = 500;

/** Headings recognised for each column (compared after normalise()): Chinese and English. */
const HEADER_ALIASES: Record<ServiceColumn, string[]> = {
  itemCode: ['item code', 'item', 'code', 'item_code', 'catalogue item', '项目编码', '服务项目编码', '服务项目', '编码', '目录编码'],
  date: ['date', 'service date', 'service_date', '日期', '服务日期'],
  sessions: ['sessions', 'session count', '场次', '服务场次', '活动场次', '次数'],
  personVisits: ['person-visits', 'person visits', 'person_visits', 'visits', 'persons', '人次', '服务人次'],
  households: ['households', 'household', '户数', '服务户数', '户次'],
  hours: ['hours', 'service hours', 'hour', '时长', '服务时长', '小时', '工时'],
  note: ['note', 'notes', 'remark', 'remarks', '备注', '说明'],
};

/** The standard heading of each column, as in the template file. */
export const STANDARD_HEADERS: Record<ServiceColumn, string> = {
  itemCode: '项目编码 item code',
  date: '服务日期 date',
  sessions: '场次 sessions',
  personVisits: '服务人次 person-visits',
  households: '服务户数 households',
  hours: '服务时长(小时) hours',
  note: '备注 note',
};

/** Lowercase, NFKC (full-width → ASCII), units in brackets and separators dropped: "服务时长（小时）" → "服务时长". */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[([{].*?[)\]}]/g, '')
    .replace(/[\s_\-/:：*]+/g, '');
}

const ALIAS_TO_COLUMN = new Map<string, ServiceColumn>(
  (Object.entries(HEADER_ALIASES) as Array<[ServiceColumn, string[]]>).flatMap(([column, aliases]) => aliases.map((a) => [normaliseHeader(a), column] as [string, ServiceColumn])),
);

/** A heading "项目编码 item code" (both languages) is recognised by either half. */
export function columnOfHeader(text: string): ServiceColumn | null {
  const whole = ALIAS_TO_COLUMN.get(normaliseHeader(text));
  if (whole) return whole;
  for (const part of text.normalize('NFKC').split(/\s+|\//)) {
    const column = ALIAS_TO_COLUMN.get(normaliseHeader(part));
    if (column) return column;
  }
  return null;
}

const DATE_PATTERNS = [/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/, /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/];

/** "2026-11-03", "2026/11/3", "2026.11.3" or "2026年11月3日" → "2026-11-03"; null when not a real date. */
export function parseServiceDate(text: string): string | null {
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const [y, m, d] = match.slice(1).map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
    return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  return null;
}

/** "1.5" → 150, "2" → 200, "0.25" → 25; at most two decimals, no sign, no exponent; null otherwise. */
export function parseHoursCenti(text: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text) ?? /^()\.(\d{1,2})$/.exec(text);
  if (!match) return null;
  const whole = match[1] ? Number(match[1]) : 0;
  const frac = match[2] ? Number(match[2].padEnd(2, '0')) : 0;
  return whole * 100 + frac;
}

type CellCheck = { problem: { column: ServiceColumn; code: ProblemCode; value?: string; params?: Record<string, string | number> } } | { ok: number };

function count(column: ServiceColumn, text: string): CellCheck {
  if (text === '') return { ok: 0 };
  if (!/^\d+$/.test(text)) return { problem: { column, code: 'wholeNumber', value: text } };
  const n = Number(text);
  if (n > MAX_COUNT) return { problem: { column, code: 'numberTooLarge', value: text, params: { max: MAX_COUNT } } };
  return { ok: n };
}

/**
 * Checks one line. Empty counts are 0; a line must record some service (a session, a person,
 * a household or time). The item must be one the contract buys; the date, when given, within
 * the contract's service period and not after today.
 */
export function checkRecord(raw: RawRecord, ctx: ServiceLogContext): { record: Omit<ServiceRecordDraft, 'line'> | null; problems: Array<Omit<ServiceLogProblem, 'line' | 'header'>> } {
  const cell = (c: ServiceColumn) => (raw[c] ?? '').trim();
  const problems: Array<Omit<ServiceLogProblem, 'line' | 'header'>> = [];

  const itemCode = cell('itemCode').toUpperCase();
  if (!itemCode) problems.push({ column: 'itemCode', code: 'itemRequired' });
  else if (!ctx.itemCodes.includes(itemCode)) problems.push({ column: 'itemCode', code: 'itemNotInContract', value: cell('itemCode') });

  let serviceDate: string | null = null;
  const dateText = cell('date');
  if (dateText) {
    serviceDate = parseServiceDate(dateText);
    if (!serviceDate) problems.push({ column: 'date', code: 'dateFormat', value: dateText });
    else if (serviceDate < ctx.periodStart || serviceDate > ctx.periodEnd) {
      problems.push({ column: 'date', code: 'dateOutsidePeriod', value: dateText, params: { start: ctx.periodStart, end: ctx.periodEnd } });
    } else if (serviceDate > ctx.today) problems.push({ column: 'date', code: 'dateInFuture', value: dateText });
  }

  const counts: Record<'sessions' | 'personVisits' | 'households', number> = { sessions: 0, personVisits: 0, households: 0 };
  for (const column of ['sessions', 'personVisits', 'households'] as const) {
    const checked = count(column, cell(column));
    if ('problem' in checked) problems.push(checked.problem);
    else counts[column] = checked.ok;
  }

  let hoursCenti = 0;
  const hoursText = cell('hours');
  if (hoursText) {
    const parsed = parseHoursCenti(hoursText);
    if (parsed === null) problems.push({ column: 'hours', code: 'hoursFormat', value: hoursText });
    else if (parsed > MAX_HOURS_CENTI) problems.push({ column: 'hours', code: 'numberTooLarge', value: hoursText, params: { max: MAX_HOURS_CENTI / 100 } });
    else hoursCenti = parsed;
  }

  const note = cell('note');
  if (note.length > NOTE_MAX) problems.push({ column: 'note', code: 'noteTooLong', params: { max: NOTE_MAX } });

  const numbersOk = !problems.some((p) => ['sessions', 'personVisits', 'households', 'hours'].includes(p.column ?? ''));
  if (numbersOk && counts.sessions + counts.personVisits + counts.households + hoursCenti === 0) problems.push({ column: 'sessions', code: 'noService' });

  if (problems.length) return { record: null, problems };
  return { record: { itemCode, serviceDate, ...counts, hoursCenti, note: note || null }, problems };
}

const isBlank = (row: readonly string[]) => row.every((c) => (c ?? '').trim() === '');

/**
 * A service log read into cells, the first row being the headings: every line checked, all or
 * nothing. Blank lines are skipped; columns are found by their headings (Chinese or English, in
 * any order; unknown columns are ignored).
 */
export function validateServiceLog(table: readonly (readonly string[])[], ctx: ServiceLogContext): ServiceLogResult {
  const maxRows = ctx.maxRows ?? DEFAULT_MAX_ROWS;
  const headerIndex = table.findIndex((row) => !isBlank(row));
  if (headerIndex < 0) return { ok: false, problems: [{ line: null, column: null, header: null, code: 'noRows' }] };
  const headerRow = table[headerIndex];
  const headerLine = headerIndex + 1;

  const columns = new Map<ServiceColumn, { index: number; header: string }>();
  const problems: ServiceLogProblem[] = [];
  headerRow.forEach((text, index) => {
    const column = columnOfHeader(text ?? '');
    if (!column) return;
    if (columns.has(column)) problems.push({ line: headerLine, column, header: text.trim(), code: 'duplicateColumn' });
    else columns.set(column, { index, header: text.trim() });
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.has(column)) problems.push({ line: headerLine, column, header: STANDARD_HEADERS[column], code: 'missingColumn' });
  }
  if (problems.length) return { ok: false, problems };

  const dataRows = table
    .slice(headerIndex + 1)
    .map((cells, i) => ({ line: headerLine + 1 + i, cells }))
    .filter((r) => !isBlank(r.cells));
  if (dataRows.length > maxRows) return { ok: false, problems: [{ line: null, column: null, header: null, code: 'tooManyRows', params: { max: maxRows, count: dataRows.length } }] };
  if (!dataRows.length) return { ok: false, problems: [{ line: null, column: null, header: null, code: 'noRows' }] };

  const records: ServiceRecordDraft[] = [];
  for (const { line, cells } of dataRows) {
    const raw: RawRecord = {};
    for (const [column, { index }] of columns) raw[column] = String(cells[index] ?? '');
    const checked = checkRecord(raw, ctx);
    for (const p of checked.problems) problems.push({ ...p, line, header: p.column ? (columns.get(p.column)?.header ?? STANDARD_HEADERS[p.column]) : null });
    if (checked.record) records.push({ line: records.length + 1, ...checked.record });
  }
  return problems.length ? { ok: false, problems } : { ok: true, records };
}

/**
 * The rows of the delivery form (one per contract item, plus any the organisation added). Rows
 * left entirely empty are skipped; problems carry the row's index (0-based) in `line - 1`.
 */
export function validateFormRows(rows: readonly RawRecord[], ctx: ServiceLogContext): ServiceLogResult {
  const problems: ServiceLogProblem[] = [];
  const records: ServiceRecordDraft[] = [];
  const counted: ServiceColumn[] = ['date', 'sessions', 'personVisits', 'households', 'hours', 'note'];
  rows.forEach((raw, index) => {
    if (counted.every((c) => (raw[c] ?? '').trim() === '')) return;
    const checked = checkRecord(raw, ctx);
    for (const p of checked.problems) problems.push({ ...p, line: index + 1, header: null });
    if (checked.record) records.push({ line: records.length + 1, ...checked.record });
  });
  if (problems.length) return { ok: false, problems };
  if (!records.length) return { ok: false, problems: [{ line: null, column: null, header: null, code: 'noRows' }] };
  return { ok: true, records };
}

/**
 * A minimal RFC 4180 reader: quoted fields with doubled quotes and line breaks, CRLF, LF or CR
 * line ends, the delimiter given (',' ';' or tab). Each record is one row.
 */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The delimiter of the header line: the most frequent of comma, semicolon and tab (comma when none). */
export function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const candidates = [',', ';', '\t'];
  const counts = candidates.map((d) => firstLine.split(d).length - 1);
  const best = Math.max(...counts);
  return best === 0 ? ',' : candidates[counts.indexOf(best)];
}
