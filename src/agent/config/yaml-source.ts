// YAML text -> plain data, plus where each key path is in the text (yaml's node ranges and a
// LineCounter), so every problem can be reported as file:line:column.
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml';

import { formatKeyPath } from './key-path.js';
import type { KeyPath } from './key-path.js';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface SourceProblem {
  readonly position: SourcePosition;
  readonly path: KeyPath;
  readonly message: string;
}

export interface YamlSource {
  /** False when the YAML itself is broken: then `data` is undefined and `problems` say why. */
  readonly ok: boolean;
  readonly data: unknown;
  /** Syntax errors and duplicate keys. */
  readonly problems: readonly SourceProblem[];
  /**
   * Where `path` is: its value ('value') or its key ('key'). A path absent from the text (a
   * missing key) resolves to its nearest ancestor's value: the mapping that lacks the key.
   */
  locate(path: readonly PropertyKey[], at: 'key' | 'value'): SourcePosition;
  /**
   * `path` cut at the first scalar of the text: a schema may read a scalar as a mapping (a VIP
   * "10.0.0.1/24" as { address }), but the person wrote the scalar.
   */
  clampPath(path: readonly PropertyKey[]): readonly PropertyKey[];
}

interface Entry {
  readonly key: SourcePosition | undefined;
  readonly value: SourcePosition | undefined;
  readonly scalar: boolean;
}

const START: SourcePosition = { line: 1, column: 1 };
// A config never nests this deep; a hostile file cannot make us recurse without bound.
const MAX_DEPTH = 64;
// yaml's guard against alias expansion bombs ("billion laughs").
const MAX_ALIAS_COUNT = 100;

export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys: false so that duplicates are found below, with their key path.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: SourceProblem[] = [];
  for (const err of [...doc.errors, ...doc.warnings]) {
    problems.push({ position: at(err.pos[0]), path: [], message: `YAML: ${err.message}` });
  }
  const entries = new Map<string, Entry>();
  const locate = (path: readonly PropertyKey[], want: 'key' | 'value'): SourcePosition => {
    for (let n = path.length; n >= 0; n -= 1) {
      const entry = entries.get(formatKeyPath(path.slice(0, n)));
      if (entry === undefined) continue;
      if (n === path.length && want === 'key' && entry.key !== undefined) return entry.key;
      return entry.value ?? entry.key ?? START;
    }
    return START;
  };
  const clampPath = (path: readonly PropertyKey[]): readonly PropertyKey[] => {
    for (let n = 0; n < path.length; n += 1) {
      if (entries.get(formatKeyPath(path.slice(0, n)))?.scalar === true) return path.slice(0, n);
    }
    return path;
  };
  const broken = { ok: false, data: undefined, problems, locate, clampPath };
  if (doc.errors.length > 0) return broken;

  const nodePosition = (node: unknown): SourcePosition | undefined => {
    if (!isNode(node) || !node.range) return undefined;
    const [start, end] = node.range;
    // An empty value ("priority:") has an empty range just past the colon: show the key instead.
    return start === end ? undefined : at(start);
  };
  // Aliases are not followed (an alias bomb would blow up here, before toJS's guard): a problem
  // inside an aliased node is reported at the alias.
  const walk = (target: unknown, path: KeyPath, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (isMap(target)) {
      const firstLine = new Map<string, number>();
      for (const pair of target.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const childPath = [...path, key];
        const keyPosition = nodePosition(pair.key);
        const first = firstLine.get(key);
        if (first !== undefined) {
          problems.push({
            position: keyPosition ?? START,
            path: childPath,
            message: `duplicate key '${key}' (first given on line ${first})`,
          });
        } else firstLine.set(key, keyPosition?.line ?? 0);
        entries.set(formatKeyPath(childPath), {
          key: keyPosition,
          value: nodePosition(pair.value),
          scalar: isScalar(pair.value),
        });
        walk(pair.value, childPath, depth + 1);
      }
    } else if (isSeq(target)) {
      target.items.forEach((item, index) => {
        const childPath = [...path, index];
        entries.set(formatKeyPath(childPath), {
          key: undefined,
          value: nodePosition(item),
          scalar: isScalar(item),
        });
        walk(item, childPath, depth + 1);
      });
    }
  };
  entries.set('', {
    key: undefined,
    value: nodePosition(doc.contents),
    scalar: isScalar(doc.contents),
  });
  walk(doc.contents, [], 0);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    problems.push({ position: START, path: [], message: `YAML: ${(err as Error).message}` });
    return broken;
  }
  return { ok: true, data, problems, locate, clampPath };
}
