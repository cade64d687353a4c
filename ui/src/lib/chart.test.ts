import { describe, expect, it } from 'vitest';
import { bars, linePath, MIN_BAR_SLOTS, niceRange, percentile, yOf } from './chart';

describe('niceRange', () => {
  it('rounds a series out to readable ticks that hold it', () => {
    const r = niceRange([21.4, 22.46, 21.9]);
    expect(r.min).toBeLessThanOrEqual(21.4);
    expect(r.max).toBeGreaterThanOrEqual(22.46);
    expect(r.ticks[0]).toBe(r.min);
    expect(r.ticks.at(-1)).toBe(r.max);
    expect(r.ticks.length).toBeGreaterThanOrEqual(2);
    expect(r.ticks.length).toBeLessThanOrEqual(6);
  });

  it('starts bars at zero and survives empty and flat series', () => {
    expect(niceRange([38, 91, 118], { fromZero: true })).toMatchObject({ min: 0 });
    expect(niceRange([])).toMatchObject({ min: 0, max: 1 });
    const flat = niceRange([5, 5, 5]);
    expect(flat.min).toBeLessThan(5);
    expect(flat.max).toBeGreaterThan(5);
    expect(niceRange([Number.NaN, 3, Infinity]).max).toBeGreaterThanOrEqual(3);
  });
});

it('takes nearest-rank percentiles', () => {
  const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  expect(percentile(values, 50)).toBe(50);
  expect(percentile(values, 95)).toBe(100);
  expect(percentile([7], 95)).toBe(7);
  expect(percentile([], 50)).toBeUndefined();
});

describe('geometry', () => {
  const range = { min: 0, max: 100, ticks: [0, 50, 100] };
  it('places values on the axis, top is the maximum', () => {
    expect(yOf(100, range, 80)).toBe(0);
    expect(yOf(0, range, 80)).toBe(80);
    expect(yOf(50, range, 80)).toBe(40);
  });

  it('draws a line from oldest to newest across the width', () => {
    expect(linePath([0, 100], range, 300, 80)).toBe('M0.0,80.0 L300.0,0.0');
    expect(linePath([42], range, 300, 80)).toBe('');
  });

  it('draws one bar per value from zero, newest at the right, and marks those above the line', () => {
    const shapes = bars([50, 100], range, 200, 80, 60);
    expect(shapes).toHaveLength(2);
    expect(shapes[0]).toMatchObject({ y: 40, height: 40, high: false });
    expect(shapes[1]).toMatchObject({ y: 0, height: 80, high: true });
    expect(shapes[1]!.x).toBeGreaterThan(shapes[0]!.x + shapes[0]!.width);
    const last = shapes[1]!;
    expect(last.x + last.width).toBeLessThanOrEqual(200);
    expect(last.x + last.width).toBeGreaterThan(195);
    expect(last.width).toBeLessThanOrEqual(200 / MIN_BAR_SLOTS);
  });

  it('fills the width with bars once there are many', () => {
    const shapes = bars(Array.from({ length: 100 }, () => 10), range, 200, 80);
    expect(shapes[0]!.x).toBeLessThan(2);
  });
});
