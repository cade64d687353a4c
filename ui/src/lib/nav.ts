// The app's navigation frame (UI.md "Frame"): which sections exist, how "Jump to" (Ctrl+K)
// finds them, and the resizable sidebar's bounds. Pure data and functions; the Sidebar
// component only draws them.

export type SectionId = 'models' | 'devices' | 'runs' | 'ports' | 'survey' | 'settings' | 'about';

export interface Section {
  id: SectionId;
  label: string;
  /** Where the section sits: the work sections at the top, app sections at the bottom. */
  place: 'work' | 'app';
  /** One sentence for the empty state and for Jump to. */
  summary: string;
}

export const SECTIONS: readonly Section[] = [
  { id: 'models', label: 'Models', place: 'work', summary: 'Device models: templates and data blocks' },
  { id: 'devices', label: 'Devices', place: 'work', summary: 'Devices and their variables' },
  { id: 'runs', label: 'Runs', place: 'work', summary: 'History of connectivity checks' },
  { id: 'ports', label: 'Port sweep', place: 'work', summary: 'Probe every LoopCloud port on a host' },
  { id: 'survey', label: 'Site survey', place: 'work', summary: 'Every device of a site checked, and the firewall request for its IT' },
  { id: 'settings', label: 'Settings', place: 'app', summary: 'Theme and preferences' },
  { id: 'about', label: 'About Loop Studio', place: 'app', summary: 'Version, database and secrets' },
];

export function sectionById(id: SectionId): Section {
  const found = SECTIONS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown section ${id}`);
  return found;
}

/**
 * Sections matching a Jump-to query: every word of the query must start a word of the
 * label or summary; label-prefix matches come first. An empty query lists everything.
 */
export interface Matchable {
  label: string;
  summary: string;
}

export function jumpMatches<T extends Matchable = Section>(
  query: string,
  sections: readonly T[] = SECTIONS as unknown as readonly T[],
): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...sections];
  const startsAWord = (text: string, word: string) =>
    text
      .toLowerCase()
      .split(/[\s:,]+/)
      .some((w) => w.startsWith(word));
  const matching = sections.filter((s) =>
    words.every((w) => startsAWord(s.label, w) || startsAWord(s.summary, w)),
  );
  const first = words[0] ?? '';
  const rank = (s: T) => (s.label.toLowerCase().startsWith(first) ? 0 : 1);
  return matching.sort((a, b) => rank(a) - rank(b));
}

export const SIDEBAR_MIN = 200;
export const SIDEBAR_MAX = 420;
export const SIDEBAR_DEFAULT = 248;

export function clampSidebarWidth(px: number): number {
  if (!Number.isFinite(px)) return SIDEBAR_DEFAULT;
  return Math.round(Math.min(SIDEBAR_MAX, Math.max(SIDEBAR_MIN, px)));
}

/** Arrow keys on the resize handle move it 16 px; Home/End jump to the bounds. */
export function sidebarWidthForKey(width: number, key: string): number | null {
  switch (key) {
    case 'ArrowLeft':
      return clampSidebarWidth(width - 16);
    case 'ArrowRight':
      return clampSidebarWidth(width + 16);
    case 'Home':
      return SIDEBAR_MIN;
    case 'End':
      return SIDEBAR_MAX;
    default:
      return null;
  }
}

/** The project avatar's letters: the initials of its first two words ("Acme Meters" → "AM"),
 * else its first two letters; "LS" (Loop Studio) when no project is open. */
export function projectInitials(name: string | null | undefined): string {
  const words = (name ?? '').trim().split(/[\s_-]+/u).filter(Boolean);
  if (words.length === 0) return 'LS';
  // By code point, so that "Überlandwerk" starts with Ü, not half of it.
  const letters = (word: string, n: number) => [...word].slice(0, n).join('');
  const [first = '', second] = words;
  return (second === undefined ? letters(first, 2) : letters(first, 1) + letters(second, 1)).toUpperCase();
}
