import { ServiceLogContext, columnOfHeader, detectDelimiter, parseCsv, parseHoursCenti, parseServiceDate, validateFormRows, validateServiceLog } from './service-log';

const ctx: ServiceLogContext = { itemCodes: ['C01-001', 'C02-003'], periodStart: '2026-01-01', periodEnd: '2026-12-31', today: '2026-11-20' };
const HEADER = ['项目编码', '服务日期', '场次', '服务人次', '服务户数', '服务时长(小时)', '备注'];

describe('parseCsv', () => {
  it('reads quoted fields with doubled quotes, delimiters and line breaks inside, and CRLF/LF/CR line ends', () => {
    expect(parseCsv('a,"b,c","say ""hi"""\r\n1,2,3\n4,"5\n6",7\r8,9,')).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['1', '2', '3'],
      ['4', '5\n6', '7'],
      ['8', '9', ''],
    ]);
  });

  it('keeps blank lines as rows, so line numbers match the file', () => {
    expect(parseCsv('h\n\nx\n')).toEqual([['h'], [''], ['x']]);
  });

  it('uses the delimiter of the header line', () => {
    expect(detectDelimiter('a;b;c\n1,5;2;3')).toBe(';');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('single')).toBe(',');
    expect(parseCsv('a;b\n1;2', ';')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });
});

describe('headings', () => {
  it.each([
    ['项目编码', 'itemCode'],
    ['Item code', 'itemCode'],
    ['item_code', 'itemCode'],
    ['服务日期', 'date'],
    ['date', 'date'],
    ['场次', 'sessions'],
    ['Sessions', 'sessions'],
    ['服务人次', 'personVisits'],
    ['person-visits', 'personVisits'],
    ['Person visits', 'personVisits'],
    ['服务户数', 'households'],
    ['households', 'households'],
    ['服务时长（小时）', 'hours'],
    ['服务时长(小时) hours', 'hours'],
    ['Hours (h)', 'hours'],
    ['项目编码 item code', 'itemCode'],
    ['备注', 'note'],
  ])('recognises "%s" as %s', (text, column) => {
    expect(columnOfHeader(text)).toBe(column);
  });

  it('ignores unknown headings', () => {
    expect(columnOfHeader('负责人')).toBeNull();
    expect(columnOfHeader('')).toBeNull();
  });
});

describe('cell rules', () => {
  it('reads dates in the usual spellings and refuses impossible ones', () => {
    expect(parseServiceDate('2026-11-03')).toBe('2026-11-03');
    expect(parseServiceDate('2026/11/3')).toBe('2026-11-03');
    expect(parseServiceDate('2026.1.9')).toBe('2026-01-09');
    expect(parseServiceDate('2026年11月3日')).toBe('2026-11-03');
    expect(parseServiceDate('2026-02-30')).toBeNull();
    expect(parseServiceDate('03/11/2026')).toBeNull();
    expect(parseServiceDate('yesterday')).toBeNull();
  });

  it('keeps hours in hundredths without floating point', () => {
    expect(parseHoursCenti('1.5')).toBe(150);
    expect(parseHoursCenti('2')).toBe(200);
    expect(parseHoursCenti('0.25')).toBe(25);
    expect(parseHoursCenti('.5')).toBe(50);
    expect(parseHoursCenti('0.1')).toBe(10);
    expect(parseHoursCenti('1.255')).toBeNull();
    expect(parseHoursCenti('-1')).toBeNull();
    expect(parseHoursCenti('1e3')).toBeNull();
    expect(parseHoursCenti('1,5')).toBeNull();
  });
});

describe('validateServiceLog', () => {
  it('imports every line of a good log, columns in any order, blank lines skipped, codes upper-cased', () => {
    const table = [
      ['服务时长(小时)', '项目编码', '场次', '服务人次', '服务户数', '服务日期', '负责人'],
      ['1.5', 'c01-001', '1', '12', '0', '2026-11-02', '王'],
      ['', '', '', '', '', '', ''],
      ['2', 'C02-003', '', '', '8', '', ''],
    ];
    const result = validateServiceLog(table, ctx);
    expect(result).toEqual({
      ok: true,
      records: [
        { line: 1, itemCode: 'C01-001', serviceDate: '2026-11-02', sessions: 1, personVisits: 12, households: 0, hoursCenti: 150, note: null },
        { line: 2, itemCode: 'C02-003', serviceDate: null, sessions: 0, personVisits: 0, households: 8, hoursCenti: 200, note: null },
      ],
    });
  });

  it('reports every bad line with its line number, column heading and value, and imports nothing', () => {
    const table = [
      HEADER,
      ['C01-001', '2026-11-02', '1', '10', '0', '2', ''],
      ['C09-999', '2026-11-02', '1', '10', '0', '2', ''],
      ['C01-001', '2026-13-01', '-1', '3.5', 'x', '1.255', ''],
      ['', '2025-12-31', '1', '0', '0', '0', ''],
      ['C01-001', '2026-11-21', '0', '0', '0', '0', ''],
      ['C01-001', '', '2000000', '1', '1', '1', 'x'.repeat(501)],
    ];
    const result = validateServiceLog(table, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [3, 'itemCode', 'itemNotInContract'],
      [4, 'date', 'dateFormat'],
      [4, 'sessions', 'wholeNumber'],
      [4, 'personVisits', 'wholeNumber'],
      [4, 'households', 'wholeNumber'],
      [4, 'hours', 'hoursFormat'],
      [5, 'itemCode', 'itemRequired'],
      [5, 'date', 'dateOutsidePeriod'],
      [6, 'date', 'dateInFuture'],
      [6, 'sessions', 'noService'],
      [7, 'sessions', 'numberTooLarge'],
      [7, 'note', 'noteTooLong'],
    ]);
    expect(result.problems[0]).toMatchObject({ header: '项目编码', value: 'C09-999' });
    expect(result.problems[2]).toMatchObject({ header: '场次', value: '-1' });
  });

  it('refuses a file without the required columns, naming each missing one', () => {
    const result = validateServiceLog(
      [
        ['项目编码', '场次'],
        ['C01-001', '1'],
      ],
      ctx,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [1, 'personVisits', 'missingColumn'],
      [1, 'households', 'missingColumn'],
      [1, 'hours', 'missingColumn'],
    ]);
  });

  it('refuses a column given twice', () => {
    const result = validateServiceLog(
      [
        [...HEADER, 'sessions'],
        ['C01-001', '', '1', '1', '1', '1', '', '2'],
      ],
      ctx,
    );
    expect(result).toMatchObject({ ok: false, problems: [{ line: 1, column: 'sessions', code: 'duplicateColumn', header: 'sessions' }] });
  });

  it('refuses an empty file and a file with headings only', () => {
    expect(validateServiceLog([], ctx)).toMatchObject({ ok: false, problems: [{ code: 'noRows', line: null }] });
    expect(validateServiceLog([[''], ['']], ctx)).toMatchObject({ ok: false, problems: [{ code: 'noRows' }] });
    expect(validateServiceLog([HEADER, ['', '', '']], ctx)).toMatchObject({ ok: false, problems: [{ code: 'noRows' }] });
  });

  it('refuses more lines than the limit as a whole', () => {
    const rows = Array.from({ length: 4 }, () => ['C01-001', '', '1', '1', '1', '1', '']);
    expect(validateServiceLog([HEADER, ...rows], { ...ctx, maxRows: 3 })).toMatchObject({ ok: false, problems: [{ code: 'tooManyRows', params: { max: 3, count: 4 } }] });
    expect(validateServiceLog([HEADER, ...rows], { ...ctx, maxRows: 4 }).ok).toBe(true);
  });

  it('counts lines from the first non-blank row when the file starts with blank lines', () => {
    const result = validateServiceLog([[''], HEADER, ['C01-001', '', 'x', '1', '1', '1', '']], ctx);
    expect(result).toMatchObject({ ok: false, problems: [{ line: 3, column: 'sessions', code: 'wholeNumber' }] });
  });
});

describe('validateFormRows', () => {
  it('skips rows left empty and numbers the rest', () => {
    const result = validateFormRows(
      [
        { itemCode: 'C01-001', sessions: '', personVisits: '', households: '', hours: '', date: '' },
        { itemCode: 'C02-003', sessions: '2', personVisits: '30', households: '', hours: '3.5', date: '2026-11-01', note: '两场讲座' },
      ],
      ctx,
    );
    expect(result).toEqual({ ok: true, records: [{ line: 1, itemCode: 'C02-003', serviceDate: '2026-11-01', sessions: 2, personVisits: 30, households: 0, hoursCenti: 350, note: '两场讲座' }] });
  });

  it('reports problems by form row and refuses a form with no service at all', () => {
    expect(validateFormRows([{ itemCode: 'C01-001', sessions: 'two' }], ctx)).toMatchObject({ ok: false, problems: [{ line: 1, column: 'sessions', code: 'wholeNumber' }] });
    expect(validateFormRows([{ itemCode: 'C01-001' }, { itemCode: 'C02-003' }], ctx)).toMatchObject({ ok: false, problems: [{ code: 'noRows' }] });
    expect(validateFormRows([{ itemCode: 'C07-001', sessions: '1' }], ctx)).toMatchObject({ ok: false, problems: [{ line: 1, column: 'itemCode', code: 'itemNotInContract' }] });
  });
});
