import { contentDisposition, csvCell, csvDocument, safeText, scoreOf } from './export-format';

describe('export formatting', () => {
  it('writes scores with two decimals from hundredths, exactly', () => {
    expect(scoreOf(8750)).toBe('87.50');
    expect(scoreOf(5)).toBe('0.05');
    expect(() => scoreOf(87.5)).toThrow();
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const s of ['+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1']) expect(csvCell(s).startsWith(`"'`)).toBe(true);
    expect(csvCell('阳光社区')).toBe('"阳光社区"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell(12)).toBe('"12"');
    expect(safeText('=1+1')).toBe("'=1+1");
    expect(safeText('HT-2026-0001')).toBe('HT-2026-0001');
  });

  it('writes a CSV document with a BOM and CRLF lines', () => {
    expect(csvDocument(['a', 'b'], [[1, 'x,y']])).toBe('\uFEFF"a","b"\r\n"1","x,y"\r\n');
  });

  it('gives a UTF-8 filename with an ASCII fallback', () => {
    expect(contentDisposition('拨付明细 2026.csv', 'disbursements-2026.csv')).toBe(`attachment; filename="disbursements-2026.csv"; filename*=UTF-8''%E6%8B%A8%E4%BB%98%E6%98%8E%E7%BB%86%202026.csv`);
    expect(() => contentDisposition('x', 'a"b.csv')).toThrow();
  });
});
