// Describe* filters as EC2 applies them: filters are ANDed, a filter's values are ORed, values
// may use `*` and `?` wildcards; `tag:<key>`, `tag-key` and `tag-value` work on every resource.

import { invalidParameterValue } from './api-error.js';
import type { Filter } from './query.js';

/** For each filter name, the values a resource has under it (none: the filter never matches). */
export type FilterFields<T> = Readonly<
  Record<string, (item: T) => readonly (string | undefined)[]>
>;

function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\' && i + 1 < pattern.length) {
      source += pattern.charAt(++i).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '*') {
      source += '.*';
    } else if (c === '?') {
      source += '.';
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function fieldValues<T>(
  filter: Filter,
  fields: FilterFields<T>,
  tags: ReadonlyMap<string, string> | undefined,
  item: T,
): readonly (string | undefined)[] {
  if (filter.name.startsWith('tag:')) return [tags?.get(filter.name.slice(4))];
  if (filter.name === 'tag-key') return [...(tags?.keys() ?? [])];
  if (filter.name === 'tag-value') return [...(tags?.values() ?? [])];
  const field = fields[filter.name];
  return field ? field(item) : [];
}

function isKnown<T>(filter: Filter, fields: FilterFields<T>, taggable: boolean): boolean {
  if (Object.hasOwn(fields, filter.name)) return true;
  return (
    taggable && (filter.name.startsWith('tag:') || ['tag-key', 'tag-value'].includes(filter.name))
  );
}

export function applyFilters<T>(
  items: readonly T[],
  filters: readonly Filter[],
  fields: FilterFields<T>,
  tagsOf?: (item: T) => ReadonlyMap<string, string> | undefined,
): T[] {
  for (const filter of filters) {
    if (!isKnown(filter, fields, tagsOf !== undefined)) {
      throw invalidParameterValue(`The filter '${filter.name}' is invalid`);
    }
    if (filter.values.length === 0) {
      throw invalidParameterValue(`The filter '${filter.name}' requires at least one value`);
    }
  }
  const compiled = filters.map((f) => ({ filter: f, patterns: f.values.map(wildcardRegExp) }));
  return items.filter((item) =>
    compiled.every(({ filter, patterns }) => {
      const values = fieldValues(filter, fields, tagsOf?.(item), item);
      return values.some((v) => v !== undefined && patterns.some((p) => p.test(v)));
    }),
  );
}
