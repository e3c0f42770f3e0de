// Shared by the converters: diagnostics and keepalived value parsing.
import type { Diagnostic, DiagnosticSeverity } from './diagnostic.js';
import type { ConfNode } from './parse-config.js';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export class ConvertContext {
  readonly diagnostics: Diagnostic[] = [];

  report(
    node: ConfNode,
    message: string,
    severity: DiagnosticSeverity = 'unsupported',
    path?: string,
  ): void {
    this.diagnostics.push({
      file: node.file,
      line: node.line,
      keyword: node.keyword,
      message,
      severity,
      ...(path === undefined ? {} : { path }),
    });
  }

  /** A keyword floatd has no equivalent for; a block is reported once, for its first line. */
  unsupported(node: ConfNode, why = 'not supported by floatd: ignored'): void {
    this.report(node, node.children === undefined ? why : `${why} (the whole block)`);
  }

  /** A required key the block did not set (after conditional lines, say): reported at the block. */
  requireKey(
    block: ConfNode,
    out: Readonly<Record<string, unknown>>,
    key: string,
    path: string,
  ): void {
    if (out[key] !== undefined) return;
    this.report(block, `no value for floatd's required "${key}"`, 'unsupported', `${path}.${key}`);
  }

  /** floatd names (instances, trackers, sync groups) are 1-64 of A-Z a-z 0-9 _ . - */
  checkName(block: ConfNode, path: string): string {
    const name = block.args[0] ?? '';
    if (!NAME.test(name)) {
      this.report(
        block,
        `the name "${name}" is not 1-64 of A-Z a-z 0-9 _ . -: rename it`,
        'unsupported',
        `${path}.name`,
      );
    }
    return name;
  }

  /** The first argument, or a report and undefined. */
  arg(node: ConfNode, path?: string): string | undefined {
    const value = node.args[0];
    if (value === undefined) this.report(node, 'expected a value: ignored', 'unsupported', path);
    return value;
  }

  /** Extra arguments after the ones used are reported, never dropped silently. */
  extraArgs(node: ConfNode, used: number, what: string): void {
    if (node.args.length > used)
      this.report(node, `${what} not supported: ignored "${node.args.slice(used).join(' ')}"`);
  }

  int(node: ConfNode, path?: string): number | undefined {
    const text = this.arg(node, path);
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text)) {
      this.report(node, `expected an integer, got "${text}": ignored`, 'unsupported', path);
      return undefined;
    }
    return Number(text);
  }

  /** keepalived <TIMER>: decimal seconds ("1", "0.5") to a floatd duration ("1s", "0.5s"). */
  seconds(node: ConfNode, path?: string): string | undefined {
    const text = this.arg(node, path);
    if (text === undefined) return undefined;
    const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
    if (m === null) {
      this.report(node, `expected seconds, got "${text}": ignored`, 'unsupported', path);
      return undefined;
    }
    const fraction = (m[2] ?? '').replace(/0+$/, '');
    if (fraction.length > 3) {
      this.report(
        node,
        `${text}s is not a whole number of milliseconds (floatd's resolution): ignored`,
        'unsupported',
        path,
      );
      return undefined;
    }
    return fraction === '' ? `${Number(m[1])}s` : `${Number(m[1])}.${fraction}s`;
  }
}

/** Statements of a block list ("virtual_ipaddress { ... }"): [] for a non-block. */
export function childrenOf(node: ConfNode): readonly ConfNode[] {
  return node.children ?? [];
}
