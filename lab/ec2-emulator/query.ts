// EC2 Query protocol parameters: a form-encoded body (or URL query) of `Action=...&Version=...`,
// lists flattened as `Name.1`, `Name.2`, structures as `Filter.1.Name`, `Filter.1.Value.1`.

import { invalidParameterValue, missingParameter } from './api-error.js';

export type QueryParams = ReadonlyMap<string, string>;

export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

export interface TagParam {
  readonly key: string;
  readonly value: string;
}

export function parseQuery(...sources: readonly string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const source of sources) {
    for (const [key, value] of new URLSearchParams(source)) params.set(key, value);
  }
  return params;
}

export function optionalString(params: QueryParams, name: string): string | undefined {
  return params.get(name);
}

export function requiredString(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

/** `true`/`false` as the SDK sends them; absent is undefined. */
export function optionalBoolean(params: QueryParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidParameterValue(
    `Value (${value}) for parameter ${name} is invalid. Expected: 'true' or 'false'.`,
  );
}

export function optionalInteger(params: QueryParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(value)) {
    throw invalidParameterValue(`Value (${value}) for parameter ${name} is invalid.`);
  }
  return Number(value);
}

/** Indices `n` present as `prefix.n` or `prefix.n.*`, ascending. */
function indicesOf(params: QueryParams, prefix: string): number[] {
  const found = new Set<number>();
  const head = `${prefix}.`;
  for (const key of params.keys()) {
    if (!key.startsWith(head)) continue;
    const index = key.slice(head.length).split('.')[0] ?? '';
    if (/^[1-9][0-9]*$/.test(index)) found.add(Number(index));
  }
  return [...found].sort((a, b) => a - b);
}

/** `PrivateIpAddress.1`, `PrivateIpAddress.2`, ... → their values in index order. */
export function stringList(params: QueryParams, prefix: string): string[] {
  return indicesOf(params, prefix).flatMap((i) => {
    const value = params.get(`${prefix}.${i}`);
    return value === undefined ? [] : [value];
  });
}

export function filters(params: QueryParams): Filter[] {
  return indicesOf(params, 'Filter').map((i) => {
    const name = params.get(`Filter.${i}.Name`);
    if (name === undefined) throw missingParameter(`Filter.${i}.Name`);
    return { name, values: stringList(params, `Filter.${i}.Value`) };
  });
}

export function tagParams(params: QueryParams): TagParam[] {
  return indicesOf(params, 'Tag').map((i) => {
    const key = params.get(`Tag.${i}.Key`);
    if (key === undefined || key === '') throw missingParameter(`Tag.${i}.Key`);
    return { key, value: params.get(`Tag.${i}.Value`) ?? '' };
  });
}

export function paramsRecord(params: QueryParams): Record<string, string> {
  return Object.fromEntries(params);
}
