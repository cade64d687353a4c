// The catalog's `limits` as the core sends them (src-tauri/core/src/limits.rs), for tests
// of the forms that check numbers against them.
import type { DemoDefaults } from './bindings/DemoDefaults';
import type { UserLimits } from './bindings/UserLimits';

export const LIMITS: UserLimits = {
  rungTimeoutMs: [1, 600000],
  ratePerS: [0.001, 1000],
  rampPerS: [0.01, 10000],
  durationS: [0.001, 2678400],
  lifetimeS: [4, 31536000],
  fleetSize: [1, 100000],
  generatorMaxAbs: 1e6,
  statusMaxChars: 64,
};

// The catalog's `demoDefaults` as the core sends them (src-tauri/core/src/api/catalog.rs).
export const DEMO_DEFAULTS: DemoDefaults = {
  generator: { base: 21, amplitude: 3, periodS: 60, noise: 0.2, status: 'ok' },
  ratePerS: 1,
  rampPerS: 10,
  fleetSize: 10,
  fleetPattern: 'dev-{n}',
};
