import { describe, expect, it } from 'vitest';
import type { Finding } from './bindings/Finding';
import { applyFix, countFindings, countsText, findingsForKey, findingsUnder, worst } from './lint';

const finding = (pointer: string, severity: 'error' | 'warning' = 'error'): Finding => ({
  code: 'placeholder-alias',
  severity,
  pointer,
  message: 'm',
  fix: null,
});

describe('grouping', () => {
  const all = [finding('/templates/0/a'), finding('/templates/1/b', 'warning'), finding('/templates/10/c'), finding('/dataBlocks/0/body/x')];

  it('keeps the findings of one card with relative pointers', () => {
    expect(findingsUnder(all, '/templates/1').map((f) => f.pointer)).toEqual(['/b']);
    expect(findingsUnder(all, '/templates/1')[0]?.severity).toBe('warning');
    expect(findingsUnder(all, '/dataBlocks/0/body').map((f) => f.pointer)).toEqual(['/x']);
  });

  it('finds the findings of one key', () => {
    expect(findingsForKey([finding('/a'), finding('/a/0'), finding('/b')], 'a')).toHaveLength(2);
  });
});

describe('counts', () => {
  it('words them', () => {
    const counts = countFindings([finding('/a'), finding('/b', 'warning'), finding('/c', 'warning')]);
    expect(countsText(counts)).toBe('1 error · 2 warnings');
    expect(worst(counts)).toBe('error');
    expect(countsText({ errors: 0, warnings: 0 })).toBe('no problems');
    expect(worst({ errors: 0, warnings: 1 })).toBe('warning');
  });
});

describe('applyFix', () => {
  const body = { a: '1', otaCACert: '%OTA_CA_CERT%', c: '3' };

  it('renames a key in place', () => {
    const out = applyFix(body, '/otaCACert', { op: 'renameKey', key: 'otaCaCert' });
    expect(Object.keys(out)).toEqual(['a', 'otaCaCert', 'c']);
    expect(out.otaCaCert).toBe('%OTA_CA_CERT%');
    expect(Object.keys(body)).toContain('otaCACert');
  });

  it('replaces a value and adds a key', () => {
    expect(applyFix(body, '/a', { op: 'replaceValue', value: '%X%' }).a).toBe('%X%');
    expect(applyFix({ p: 12345678, q: true }, '/p', { op: 'quoteValue' })).toEqual({ p: '12345678', q: true });
    expect(Object.keys(applyFix(body, '/d', { op: 'addKey', value: '%D%' }))).toEqual(['a', 'otaCACert', 'c', 'd']);
  });
});
