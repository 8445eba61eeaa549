import { CHART_LAYOUT, ChartError, buildBarChart, fitLabel, niceCeiling } from './bar-chart';

const series = [
  { key: 'budget', label: '预算', colour: '#1f4e79' },
  { key: 'paid', label: '已支付', colour: '#2e7d32' },
];
const chart = (groups: Array<{ label: string; values: number[] }>) =>
  buildBarChart({ id: 'funds', title: '资金', desc: '各项资金的预算与支付', emptyText: '暂无数据', series, groups, format: (m) => `¥${m / 100}` });
const plotWidth = CHART_LAYOUT.width - CHART_LAYOUT.plotX - CHART_LAYOUT.valueSpace;

describe('SVG bar chart scaling', () => {
  it('rounds the axis up to 1, 2, 2.5 or 5 × 10^k', () => {
    expect(niceCeiling(0)).toBe(0);
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(180)).toBe(200);
    expect(niceCeiling(201)).toBe(250);
    expect(niceCeiling(2_600_000_00)).toBe(5_000_000_00);
    expect(niceCeiling(100_000_000_00)).toBe(100_000_000_00);
    expect(() => niceCeiling(-1)).toThrow(ChartError);
  });

  it('scales each bar to its share of the axis', () => {
    const c = chart([{ label: '养老', values: [200_000, 50_000] }]);
    expect(c.scaleMax).toBe(200_000);
    expect(c.groups[0].bars[0].width).toBe(plotWidth);
    expect(c.groups[0].bars[1].width).toBe(plotWidth / 4);
    expect(c.groups[0].bars[1].valueText).toBe('¥500');
    expect(c.ticks.map((t) => t.value)).toEqual([0, 50_000, 100_000, 150_000, 200_000]);
    expect(c.isEmpty).toBe(false);
  });

  it('keeps a tiny value visible and a zero value empty', () => {
    const c = chart([
      { label: 'a', values: [1_000_000_000, 1] },
      { label: 'b', values: [0, 0] },
    ]);
    expect(c.groups[0].bars[1].width).toBe(1);
    expect(c.groups[1].bars.map((b) => b.width)).toEqual([0, 0]);
  });

  it('draws zero data without dividing by zero, and says it is empty', () => {
    const zero = chart([{ label: 'a', values: [0, 0] }]);
    expect(zero.scaleMax).toBe(0);
    expect(zero.isEmpty).toBe(true);
    expect(zero.ticks).toEqual([]);
    expect(zero.groups[0].bars.every((b) => b.width === 0 && Number.isFinite(b.textX))).toBe(true);
    expect(zero.desc).toContain('暂无数据');
    const none = chart([]);
    expect(none.isEmpty).toBe(true);
    expect(none.height).toBeGreaterThan(0);
    expect(none.table).toEqual([]);
  });

  it('stacks groups downwards and grows the height with them', () => {
    const one = chart([{ label: 'a', values: [1, 2] }]);
    const two = chart([
      { label: 'a', values: [1, 2] },
      { label: 'b', values: [3, 4] },
    ]);
    expect(two.height).toBeGreaterThan(one.height);
    expect(two.groups[1].bars[0].y).toBeGreaterThan(two.groups[0].bars[1].y);
    expect(two.table).toEqual([
      { label: 'a', cells: ['¥0.01', '¥0.02'] },
      { label: 'b', cells: ['¥0.03', '¥0.04'] },
    ]);
  });

  it('refuses values that are not whole fen, a value count that does not match the series, and an unsafe id', () => {
    expect(() => chart([{ label: 'a', values: [1.5, 0] }])).toThrow(ChartError);
    expect(() => chart([{ label: 'a', values: [-1, 0] }])).toThrow(ChartError);
    expect(() => chart([{ label: 'a', values: [1] }])).toThrow(ChartError);
    expect(() => buildBarChart({ id: 'x" onload="', title: '', desc: '', emptyText: '', series, groups: [], format: String })).toThrow(ChartError);
  });

  it('shortens a label too long for the chart and keeps it whole for the table', () => {
    expect(fitLabel('阳光社区', 22)).toBe('阳光社区');
    expect(fitLabel('社区养老服务专项资金社区养老服务专项资金社区养老服务', 10)).toBe('社区养老服务专项资…');
    expect(fitLabel('a'.repeat(20), 10)).toBe(`${'a'.repeat(15)}…`);
    const long = '武侯区社区养老服务与居家照护综合专项资金（2026 年度第一批）';
    const c = chart([{ label: long, values: [1, 1] }]);
    expect(c.groups[0].label.endsWith('…')).toBe(true);
    expect(c.groups[0].fullLabel).toBe(long);
    expect(c.table[0].label).toBe(long);
  });
});
