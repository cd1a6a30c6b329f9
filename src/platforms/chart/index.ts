// The compliance chart: the last 12 months per goal as a small PNG, rendered on the
// server (Vega-Lite spec → Vega view → SVG → PNG with resvg), for chat platforms that
// show images (Slack, Teams). No browser, no canvas binaries: vega renders SVG on its
// own and resvg (a prebuilt binary from npm) rasterises it with the system's fonts.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { MonthPoint } from '../../domain/compliance.js';
import type { Translator } from '../../i18n/index.js';

export interface ChartGoals {
  /** The share goal of incidents, orders and problems (e.g. 0.9). */
  cases: number;
  /** The availability goal (e.g. 0.98). */
  availability: number;
}

/** The measures drawn, in the legend's order. */
const MEASURES = ['incidentsResponse', 'incidentsResolution', 'ordersResolution', 'problemsResolution', 'availability'] as const;

/** The Vega-Lite spec of the chart (exported for tests and for docs). */
export function complianceChartSpec(series: readonly MonthPoint[], goals: ChartGoals, tr: Translator): TopLevelSpec {
  const t = (key: string) => tr.t(`compliance.chart.${key}`);
  const values = series.flatMap((p) =>
    MEASURES.filter((m) => p[m] !== null).map((m) => ({
      month: p.month,
      measure: t(m),
      share: p[m] as number,
      goal: m === 'availability' ? goals.availability : goals.cases,
    })),
  );
  const goalLines = [
    { goal: goals.cases, label: `${t('goal')} ${Math.round(goals.cases * 100)} %` },
    { goal: goals.availability, label: `${t('goal')} ${Math.round(goals.availability * 1000) / 10} %` },
  ];
  const lowest = Math.min(0.8, ...values.map((v) => v.share));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: tr.t('compliance.chat.chartTitle'), anchor: 'start', fontSize: 14 },
    width: 560,
    height: 220,
    background: 'white',
    padding: 12,
    config: {
      font: 'DejaVu Sans',
      axis: { labelFontSize: 11, titleFontSize: 11 },
      legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', columns: 2, labelLimit: 0 },
    },
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x: { field: 'month', type: 'ordinal', title: t('month'), sort: series.map((p) => p.month), axis: { labelAngle: -45 } },
          y: { field: 'share', type: 'quantitative', title: t('share'), scale: { domain: [Math.floor(lowest * 20) / 20, 1] }, axis: { format: '.0%' } },
          color: { field: 'measure', type: 'nominal', title: t('measure'), sort: MEASURES.map(t) },
        },
      },
      {
        data: { values: goalLines },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { y: { field: 'goal', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** The chart as SVG text. */
export async function complianceChartSvg(series: readonly MonthPoint[], goals: ChartGoals, tr: Translator): Promise<string> {
  const compiled = compile(complianceChartSpec(series, goals, tr)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart as PNG bytes (twice the spec's size, for sharp display). */
export async function complianceChartPng(series: readonly MonthPoint[], goals: ChartGoals, tr: Translator): Promise<Uint8Array> {
  const svg = await complianceChartSvg(series, goals, tr);
  const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.render().asPng();
}
