/**
 * A horizontal grouped bar chart as plain geometry, for a server-rendered SVG (the partial
 * views/reporting/partials/bar-chart.hbs draws it). Horizontal bars with the group label above
 * them keep every label whole on a phone; the viewBox scales to the screen. Values are integer
 * fen; the scale is only geometry (floats are fine here, the figures shown are formatted from
 * the integers). A data table beside the chart carries the same numbers for screen readers and
 * for anyone who prefers figures.
 */
export interface ChartSeries {
  key: string;
  label: string;
  colour: string;
}

export interface ChartGroup {
  label: string;
  /** One value per series, in series order: whole fen ≥ 0. */
  values: number[];
}

export interface ChartBar {
  seriesKey: string;
  seriesLabel: string;
  colour: string;
  value: number;
  valueText: string;
  x: number;
  y: number;
  width: number;
  height: number;
  textX: number;
  textY: number;
}

export interface ChartModel {
  id: string;
  title: string;
  desc: string;
  width: number;
  height: number;
  plotX: number;
  plotWidth: number;
  scaleMax: number;
  isEmpty: boolean;
  ticks: Array<{ x: number; value: number; text: string }>;
  groups: Array<{ label: string; fullLabel: string; labelY: number; bars: ChartBar[] }>;
  series: ChartSeries[];
  /** Rows for the data table fallback. */
  table: Array<{ label: string; cells: string[] }>;
}

export class ChartError extends Error {}

export const CHART_LAYOUT = { width: 320, plotX: 2, valueSpace: 100, labelHeight: 20, barHeight: 15, barGap: 3, groupGap: 14, top: 8, axisHeight: 22 } as const;

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `max` (so the axis reads in round figures); 0 stays 0. */
export function niceCeiling(max: number): number {
  if (!Number.isFinite(max) || max < 0) throw new ChartError(`a chart maximum is a number ≥ 0, not ${max}`);
  if (max === 0) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * magnitude;
    if (candidate >= max) return candidate;
  }
  return 10 * magnitude;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * SVG text does not wrap: a group label longer than the chart is shortened with an ellipsis
 * (the data table beside the chart keeps it whole). Width in ems: CJK and full-width characters
 * count 1, others about 0.6.
 */
export function fitLabel(label: string, maxEms: number): string {
  const ems = (ch: string) => (/[\u2E80-\uFFEF]/.test(ch) ? 1 : 0.6);
  let used = 0;
  const chars = [...label];
  const total = chars.reduce((s, ch) => s + ems(ch), 0);
  if (total <= maxEms) return label;
  let out = '';
  for (const ch of chars) {
    if (used + ems(ch) > maxEms - 1) break;
    out += ch;
    used += ems(ch);
  }
  return `${out}…`;
}

/**
 * Lays out the chart: each bar's length is value / scaleMax of the plot width, a value above
 * zero is drawn at least 1 unit long so it stays visible, and zero data gives an empty chart
 * (no bars, no division by zero) that says so.
 */
export function buildBarChart(input: { id: string; title: string; desc: string; emptyText: string; series: ChartSeries[]; groups: ChartGroup[]; format: (minor: number) => string }): ChartModel {
  const { series, groups, format } = input;
  if (!/^[a-z][a-z0-9-]*$/.test(input.id)) throw new ChartError(`a chart id is lower-case letters, digits and dashes, not ${input.id}`);
  for (const g of groups) {
    if (g.values.length !== series.length) throw new ChartError(`group ${g.label} has ${g.values.length} values for ${series.length} series`);
    for (const v of g.values) if (!Number.isSafeInteger(v) || v < 0) throw new ChartError(`chart values are whole fen ≥ 0, not ${v}`);
  }
  const L = CHART_LAYOUT;
  const plotWidth = L.width - L.plotX - L.valueSpace;
  const max = groups.reduce((m, g) => Math.max(m, ...g.values), 0);
  const scaleMax = niceCeiling(max);
  const groupHeight = L.labelHeight + series.length * (L.barHeight + L.barGap) + L.groupGap;
  let y = L.top;
  const laidOut = groups.map((g) => {
    const labelY = y + 14;
    let barY = y + L.labelHeight;
    const bars = g.values.map((value, i) => {
      const width = scaleMax === 0 ? 0 : value === 0 ? 0 : Math.max(1, round1((value / scaleMax) * plotWidth));
      const bar: ChartBar = {
        seriesKey: series[i].key,
        seriesLabel: series[i].label,
        colour: series[i].colour,
        value,
        valueText: format(value),
        x: L.plotX,
        y: barY,
        width,
        height: L.barHeight,
        textX: round1(L.plotX + width + 4),
        textY: barY + L.barHeight - 3,
      };
      barY += L.barHeight + L.barGap;
      return bar;
    });
    y += groupHeight;
    return { label: fitLabel(g.label, (L.width - L.plotX) / 14), fullLabel: g.label, labelY, bars };
  });
  const ticks = scaleMax === 0 ? [] : [0, 0.25, 0.5, 0.75, 1].map((f) => ({ x: round1(L.plotX + f * plotWidth), value: Math.round(f * scaleMax), text: format(Math.round(f * scaleMax)) }));
  const isEmpty = groups.length === 0 || max === 0;
  return {
    id: input.id,
    title: input.title,
    desc: isEmpty ? `${input.desc} ${input.emptyText}` : input.desc,
    width: L.width,
    height: Math.max(y, L.top + L.labelHeight) + L.axisHeight,
    plotX: L.plotX,
    plotWidth,
    scaleMax,
    isEmpty,
    ticks,
    groups: laidOut,
    series,
    table: groups.map((g) => ({ label: g.label, cells: g.values.map(format) })),
  };
}
