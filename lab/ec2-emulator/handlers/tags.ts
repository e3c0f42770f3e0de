// CreateTags (overwrites existing values) and DescribeTags.

import type { IdKind } from '../api-error.js';
import { Ec2ApiError, checkIds, invalidParameterValue, missingParameter } from '../api-error.js';
import type { FilterFields } from '../filters.js';
import { applyFilters } from '../filters.js';
import { resourceExists, resourceTypeOf } from '../model.js';
import { filters, stringList, tagParams } from '../query.js';
import { el, itemSet } from '../xml.js';
import type { HandlerContext } from './shared.js';
import { returnTrue } from './shared.js';

const idKindOfType: Readonly<Record<string, IdKind>> = {
  'network-interface': 'network-interface',
  instance: 'instance',
  'route-table': 'route-table',
  'elastic-ip': 'allocation',
  subnet: 'subnet',
  vpc: 'vpc',
};

function checkResource(resourceId: string, exists: (id: string) => boolean) {
  const type = resourceTypeOf(resourceId);
  const kind = type === undefined ? undefined : idKindOfType[type];
  if (kind === undefined) {
    throw new Ec2ApiError('InvalidID', `The ID '${resourceId}' is not valid`);
  }
  checkIds(kind, [resourceId], exists);
}

export function createTags({ params, state }: HandlerContext) {
  const resourceIds = stringList(params, 'ResourceId');
  const tags = tagParams(params);
  if (resourceIds.length === 0) throw missingParameter('ResourceId');
  if (tags.length === 0) throw missingParameter('Tag');
  for (const { key, value } of tags) {
    if (key.toLowerCase().startsWith('aws:')) {
      throw invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
    }
    if (key.length > 128 || value.length > 256) {
      throw invalidParameterValue(`Tag (${key}) is too long`);
    }
  }
  state.write((data) => {
    for (const id of resourceIds) checkResource(id, (i) => resourceExists(data, i));
    for (const id of resourceIds) {
      const map = data.tags.get(id) ?? new Map<string, string>();
      for (const { key, value } of tags) map.set(key, value);
      data.tags.set(id, map);
    }
  });
  return returnTrue;
}

interface TagRow {
  readonly resourceId: string;
  readonly resourceType: string;
  readonly key: string;
  readonly value: string;
}

const tagFilterFields: FilterFields<TagRow> = {
  'resource-id': (row) => [row.resourceId],
  'resource-type': (row) => [row.resourceType],
  key: (row) => [row.key],
  value: (row) => [row.value],
};

const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

export function describeTags({ params, view }: HandlerContext) {
  const rows: TagRow[] = [];
  for (const [resourceId, tags] of view.tags) {
    const resourceType = resourceTypeOf(resourceId) ?? 'unknown';
    for (const [key, value] of tags) rows.push({ resourceId, resourceType, key, value });
  }
  // Sorted by resource id, then key: independent of the order tags were written in.
  rows.sort((x, y) => compare(x.resourceId, y.resourceId) || compare(x.key, y.key));
  const matching = applyFilters(rows, filters(params), tagFilterFields);
  return [
    itemSet(
      'tagSet',
      matching.map((row) => [
        el('resourceId', row.resourceId),
        el('resourceType', row.resourceType),
        el('key', row.key),
        el('value', row.value),
      ]),
    ),
  ];
}
