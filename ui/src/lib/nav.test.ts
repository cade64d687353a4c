import { describe, expect, it } from 'vitest';
import {
  clampSidebarWidth,
  jumpMatches,
  projectInitials,
  sectionById,
  SECTIONS,
  SIDEBAR_DEFAULT,
  SIDEBAR_MAX,
  SIDEBAR_MIN,
  sidebarWidthForKey,
} from './nav';

describe('jumpMatches', () => {
  it('lists every section for an empty query', () => {
    expect(jumpMatches('  ')).toHaveLength(SECTIONS.length);
  });

  it('matches word starts in label or summary, case-insensitively', () => {
    expect(jumpMatches('PORT').map((s) => s.id)).toEqual(['ports']);
    expect(jumpMatches('d').map((s) => s.id)).toEqual(['devices', 'models', 'survey', 'about']);
    expect(jumpMatches('secr').map((s) => s.id)).toEqual(['about']);
  });

  it('needs every word to match', () => {
    expect(jumpMatches('port sweep').map((s) => s.id)).toEqual(['ports']);
    expect(jumpMatches('port zebra')).toEqual([]);
  });

  it('does not match the middle of a word', () => {
    expect(jumpMatches('odel')).toEqual([]);
  });
});

describe('sidebar width', () => {
  it('stays within its bounds', () => {
    expect(clampSidebarWidth(10)).toBe(SIDEBAR_MIN);
    expect(clampSidebarWidth(9999)).toBe(SIDEBAR_MAX);
    expect(clampSidebarWidth(Number.NaN)).toBe(SIDEBAR_DEFAULT);
    expect(clampSidebarWidth(250.4)).toBe(250);
  });

  it('moves with the keyboard', () => {
    expect(sidebarWidthForKey(250, 'ArrowRight')).toBe(266);
    expect(sidebarWidthForKey(SIDEBAR_MIN, 'ArrowLeft')).toBe(SIDEBAR_MIN);
    expect(sidebarWidthForKey(250, 'End')).toBe(SIDEBAR_MAX);
    expect(sidebarWidthForKey(250, 'a')).toBeNull();
  });
});

it('finds sections by id', () => {
  expect(sectionById('runs').label).toBe('Runs');
});

describe('projectInitials', () => {
  it('takes the initials of two words, else two letters, else LS', () => {
    expect(projectInitials('Acme Meters')).toBe('AM');
    expect(projectInitials('acme-meters 2')).toBe('AM');
    expect(projectInitials('plant')).toBe('PL');
    expect(projectInitials('  ')).toBe('LS');
    expect(projectInitials(null)).toBe('LS');
    expect(projectInitials('Überlandwerk Ost')).toBe('ÜO');
  });
});
