import { describe, expect, it } from 'vitest';
import {
  applyTheme,
  loadPreference,
  parsePreference,
  resolveTheme,
  savePreference,
  THEME_STORAGE_KEY,
} from './theme';

describe('theme', () => {
  it('follows the OS when the preference is system', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
  });

  it('an explicit choice beats the OS', () => {
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('treats anything unknown in storage as system', () => {
    expect(parsePreference('dark')).toBe('dark');
    expect(parsePreference('purple')).toBe('system');
    expect(parsePreference(null)).toBe('system');
  });

  it('remembers the choice', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    };
    savePreference(storage, 'dark');
    expect(map.get(THEME_STORAGE_KEY)).toBe('dark');
    expect(loadPreference(storage)).toBe('dark');
  });

  it('survives storage that throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(loadPreference(broken)).toBe('system');
    expect(() => savePreference(broken, 'light')).not.toThrow();
  });

  it('marks the root element', () => {
    const root = document.createElement('html');
    applyTheme(root, 'dark');
    expect(root.dataset.theme).toBe('dark');
    expect(root.style.colorScheme).toBe('dark');
  });
});
