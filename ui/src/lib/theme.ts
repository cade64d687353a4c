// Light and dark themes: the user's preference ('system' follows the OS), how it resolves
// and where it is remembered. The DOM side is one attribute on <html>; CSS does the rest.

export type ThemePreference = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'loopstudio.theme';
export const THEME_PREFERENCES: readonly ThemePreference[] = ['system', 'light', 'dark'];

export function parsePreference(stored: string | null | undefined): ThemePreference {
  return THEME_PREFERENCES.find((p) => p === stored) ?? 'system';
}

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): Theme {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
  return preference;
}

export function loadPreference(storage: Pick<Storage, 'getItem'>): ThemePreference {
  try {
    return parsePreference(storage.getItem(THEME_STORAGE_KEY));
  } catch {
    return 'system';
  }
}

export function savePreference(storage: Pick<Storage, 'setItem'>, preference: ThemePreference): void {
  try {
    storage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Storage can be unavailable (private mode, quota); the choice then lasts this session.
  }
}

export function applyTheme(root: HTMLElement, theme: Theme): void {
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}
