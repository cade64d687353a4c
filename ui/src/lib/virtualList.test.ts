import { expect, it } from 'vitest';
import { visibleRows } from './virtualList';

it('draws only the rows in view plus the overscan', () => {
  expect(visibleRows(0, 100, 20, 10_000, 2)).toEqual({ start: 0, end: 8, offsetTop: 0, totalHeight: 200_000 });
  const middle = visibleRows(50_000, 100, 20, 10_000, 2);
  expect(middle.start).toBe(2498);
  expect(middle.end).toBe(2508);
  expect(middle.offsetTop).toBe(2498 * 20);
});

it('clamps at the ends and handles empty lists', () => {
  expect(visibleRows(1e9, 100, 20, 10, 2)).toEqual({ start: 7, end: 10, offsetTop: 140, totalHeight: 200 });
  expect(visibleRows(0, 100, 20, 0)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  expect(visibleRows(-50, 100, 20, 3, 0).start).toBe(0);
});
