// The catalog's `limits` as the core sends them (src-tauri/core/src/limits.rs), for tests
// of the forms that check numbers against them.
import type { UserLimits } from './bindings/UserLimits';

export const LIMITS: UserLimits = {
  rungTimeoutMs: [1, 600000],
  ratePerS: [0.001, 1000],
  rampPerS: [0.01, 10000],
  durationS: [0.001, 2678400],
  lifetimeS: [4, 31536000],
  fleetSize: [1, 10000],
  generatorMaxAbs: 1e6,
  statusMaxChars: 64,
};
