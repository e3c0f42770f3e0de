import { describe, expect, it } from 'vitest';

import { editDistance, suggestKey } from '../../../src/agent/config/suggest-key.js';

const INSTANCE_KEYS = [
  'name',
  'vrid',
  'interface',
  'priority',
  'version',
  'advertInterval',
  'vips',
];

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['prioirty', 'priority', 1], // one transposition
    ['vrid', 'vid', 1],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('suggestKey', () => {
  it.each([
    ['prioirty', 'priority'],
    ['vird', 'vrid'],
    ['interfce', 'interface'],
    ['advert_interval', 'advertInterval'],
    ['AdvertInterval', 'advertInterval'],
    ['vip', 'vips'],
  ])('%s -> %s', (key, suggestion) => {
    expect(suggestKey(key, INSTANCE_KEYS)).toBe(suggestion);
  });

  it.each(['foo', 'state', 'advert_int', 'x'])('no suggestion for %s', (key) => {
    expect(suggestKey(key, INSTANCE_KEYS)).toBeUndefined();
  });
});
