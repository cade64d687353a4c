// Which variables a person is asked for, grouped the way they think about them: for a
// device, by the template that uses them; for a project, the project-scope placeholders.
import type { Catalog } from './bindings/Catalog';
import type { Model } from './bindings/Model';
import type { PlaceholderSpec } from './bindings/PlaceholderSpec';
import type { Scope } from './bindings/Scope';
import { scanPlaceholders } from './placeholders';

export interface VariableGroup {
  title: string;
  specs: PlaceholderSpec[];
}

function canonical(catalog: Catalog, name: string): PlaceholderSpec | undefined {
  const target = catalog.aliases.find(([alias]) => alias === name)?.[1] ?? name;
  return catalog.placeholders.find((p) => p.name === target);
}

function namesIn(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') for (const t of scanPlaceholders(value)) out.add(t.name);
  else if (Array.isArray(value)) value.forEach((v) => namesIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => namesIn(v, out));
}

/**
 * Catalogued placeholders of `scope` that each template (then the data blocks) uses,
 * with the variables a template's check reads beyond its body (the OTA controller id…).
 */
export function variableGroups(model: Model, catalog: Catalog, scope: Scope): VariableGroup[] {
  const groups: VariableGroup[] = [];
  const seen = new Set<string>();
  const collect = (title: string, value: unknown, extra: readonly string[] = []) => {
    const names = new Set<string>(extra);
    namesIn(value, names);
    const specs: PlaceholderSpec[] = [];
    for (const name of names) {
      const spec = canonical(catalog, name);
      if (spec && spec.scope === scope && !seen.has(spec.name)) {
        seen.add(spec.name);
        specs.push(spec);
      }
    }
    if (specs.length) groups.push({ title, specs });
  };
  for (const t of model.templates) {
    const spec = catalog.kinds.find((k) => k.kind === t.kind);
    collect(spec?.title ?? t.kind, t.body, spec?.checkVariables ?? []);
  }
  collect('Data blocks', model.dataBlocks.map((b) => b.body));
  return groups;
}

/** Placeholders used by the model that the catalog does not know: custom variables. */
export function customNames(model: Model, catalog: Catalog): string[] {
  const names = new Set<string>();
  namesIn(model.templates.map((t) => t.body), names);
  namesIn(model.dataBlocks.map((b) => b.body), names);
  return [...names].filter((n) => !canonical(catalog, n)).sort();
}

/** What changed between two variable maps: values to set and names to remove. */
export function variableChanges(
  before: Record<string, string | undefined>,
  after: Record<string, string | undefined>,
): { set: Record<string, string>; unset: string[] } {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const [name, value] of Object.entries(after)) {
    if (value === undefined || value === '') {
      if (before[name] !== undefined) unset.push(name);
    } else if (before[name] !== value) set[name] = value;
  }
  for (const name of Object.keys(before)) if (!(name in after)) unset.push(name);
  return { set, unset };
}
