// What every action handler gets and the pieces several of them share.

import { checkIds } from '../api-error.js';
import type { Ec2Data, Instance, NetworkInterface } from '../model.js';
import type { QueryParams } from '../query.js';
import type { Ec2State } from '../state.js';
import type { XmlChild, XmlElement } from '../xml.js';
import { el, itemSet } from '../xml.js';

export interface HandlerContext {
  readonly params: QueryParams;
  readonly state: Ec2State;
  /** What the call reads: a lagged snapshot for Describe*, the live state for writes. */
  readonly view: Ec2Data;
  readonly region: string;
}

/** Returns the children of `<ActionResponse>` after `<requestId>`, or throws Ec2ApiError. */
export type Handler = (context: HandlerContext) => readonly XmlChild[];

export interface ActionSpec {
  readonly handler: Handler;
  /** Reads only: served from the eventually consistent view (faults.describeLagMs). */
  readonly describe: boolean;
}

export function tagSet(data: Ec2Data, resourceId: string, name = 'tagSet'): XmlElement {
  const tags = [...(data.tags.get(resourceId) ?? [])];
  return itemSet(
    name,
    tags.map(([key, value]) => [el('key', key), el('value', value)]),
  );
}

/** Most EC2 write calls answer `<return>true</return>`. */
export const returnTrue: readonly XmlChild[] = [el('return', true)];

export function requireEni(data: Ec2Data, id: string): NetworkInterface {
  checkIds('network-interface', [id], (i) => data.networkInterfaces.has(i));
  return data.networkInterfaces.get(id) as NetworkInterface;
}

export function requireInstance(data: Ec2Data, id: string): Instance {
  checkIds('instance', [id], (i) => data.instances.has(i));
  return data.instances.get(id) as Instance;
}

/** Resources in the order asked for (or all, in creation order), checking the ids exist. */
export function selectByIds<T>(
  all: ReadonlyMap<string, T>,
  ids: readonly string[],
  kind: Parameters<typeof checkIds>[0],
): T[] {
  if (ids.length === 0) return [...all.values()];
  checkIds(kind, ids, (id) => all.has(id));
  return [...new Set(ids)].map((id) => all.get(id) as T);
}
