// The Demo tab's charts, as numbers: a series' range rounded to readable ticks, its
// percentiles, and the SVG geometry of a line or of bars inside that range. No drawing
// library: the charts are a few hundred points at most (SERIES_LIMIT), and SVG keeps them
// sharp in both themes.

/** A value axis: its bounds and the ticks drawn on it (bounds included). */
export interface Range {
  min: number;
  max: number;
  ticks: number[];
}

function niceStep(span: number, count: number): number {
  const rough = span / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  return ([1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power);
}

/** A range that holds every value on round ticks (about `count` steps). Bars start at 0;
 * an empty series gets 0..1, a flat one ±1 around its value. */
export function niceRange(values: readonly number[], options: { fromZero?: boolean; count?: number } = {}): Range {
  const count = options.count ?? 3;
  const finite = values.filter(Number.isFinite);
  let low = finite.length ? Math.min(...finite) : 0;
  let high = finite.length ? Math.max(...finite) : 1;
  if (options.fromZero) low = Math.min(0, low);
  if (high === low) {
    high += 1;
    low = options.fromZero ? low : low - 1;
  }
  const step = niceStep(high - low, count);
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let t = min; t <= max + step / 2; t += step) ticks.push(Number(t.toPrecision(10)));
  return { min, max, ticks };
}

/** The nearest-rank percentile (`p` from 0 to 100) of the values, or undefined when none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Where `value` sits on a `height`-tall axis of `range` (0 at the top). */
export function yOf(value: number, range: Range, height: number): number {
  const span = range.max - range.min || 1;
  return height - ((value - range.min) / span) * height;
}

/** An SVG path through the values, oldest at x = 0 and newest at `width` (empty for < 2). */
export function linePath(values: readonly number[], range: Range, width: number, height: number): string {
  if (values.length < 2) return '';
  const step = width / (values.length - 1);
  return values.map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${yOf(v, range, height).toFixed(1)}`).join(' ');
}

export interface BarShape {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Above the `highlight` line (drawn in the warning colour). */
  high: boolean;
}

/** Fewer bars than this keep the width of this many: a first answer is a bar, not a wall. */
export const MIN_BAR_SLOTS = 40;

/** One bar per value from the axis' floor, newest at the right edge, a gap between bars;
 * `highlight` marks the slow ones. */
export function bars(values: readonly number[], range: Range, width: number, height: number, highlight?: number): BarShape[] {
  if (values.length === 0) return [];
  const slot = width / Math.max(values.length, MIN_BAR_SLOTS);
  const first = width - values.length * slot;
  const base = yOf(Math.max(range.min, 0), range, height);
  return values.map((v, i) => {
    const top = yOf(v, range, height);
    return {
      x: first + i * slot + slot * 0.15,
      y: Math.min(top, base),
      width: slot * 0.7,
      height: Math.abs(base - top),
      high: highlight !== undefined && v > highlight,
    };
  });
}
