// The fixtures in testLimits.ts are typed copies of what the core sends; the core writes the
// same numbers to bindings/formRules.json (regenerated and checked for staleness with the
// bindings), so a copy that drifts fails here.
import { describe, expect, it } from 'vitest';
import rules from './bindings/formRules.json';
import { DEMO_DEFAULTS, LIMITS } from './testLimits';

describe('the UI test fixtures', () => {
  it('hold the limits and demo defaults the core sends', () => {
    expect(LIMITS).toEqual(rules.limits);
    expect(DEMO_DEFAULTS).toEqual(rules.demoDefaults);
  });
});
