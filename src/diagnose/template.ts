/**
 * Fills {placeholders} in evidence templates. A template that names a fact this timeline does not
 * have yields null, so a sentence is either whole or absent.
 */
import type { Template, Vars } from '../shared/template.js';

export type { Template };

export function fill(template: string, vars: Vars): string | null {
  let missing = false;
  const text = template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = vars[name];
    if (value === null || value === undefined) {
      missing = true;
      return '';
    }
    return value;
  });
  return missing ? null : text;
}


export function fillFirst(template: Template, vars: Vars): string | null {
  for (const candidate of typeof template === 'string' ? [template] : template) {
    const text = fill(candidate, vars);
    if (text !== null) return text;
  }
  return null;
}
