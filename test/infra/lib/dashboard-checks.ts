// Checks of a Grafana dashboard against the metrics floatd exports: every panel queries
// something, every query names metrics, and every name is one floatd serves. Problems come
// back as lines, so a test shows them all at once.
import { metricNamesOf, templatingExpr } from './promql-metric-names.js';

export interface Target {
  readonly expr?: string;
}

export interface Panel {
  readonly id?: number;
  readonly type?: string;
  readonly title?: string;
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
  readonly gridPos?: {
    readonly x: number;
    readonly y: number;
    readonly w: number;
    readonly h: number;
  };
}

export interface Dashboard {
  readonly panels?: readonly Panel[];
  readonly templating?: {
    readonly list?: readonly {
      readonly name?: string;
      readonly type?: string;
      readonly query?: unknown;
    }[];
  };
}

/** Every panel, those inside collapsed rows included; rows themselves are layout only. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  const all = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  return all.filter((p) => p.type !== 'row');
}

/** Every PromQL expression with where it is: the panels' queries and the templating's. */
export function queriesOf(dashboard: Dashboard): { where: string; expr: string }[] {
  const panels = panelsOf(dashboard).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `panel "${p.title ?? p.id}"`, expr: t.expr ?? '' })),
  );
  // Only a query variable holds PromQL (a datasource variable's query is a plugin type).
  const queryVariables = (dashboard.templating?.list ?? []).filter(
    (v) => (v.type ?? 'query') === 'query',
  );
  const variables = queryVariables.flatMap((v) => {
    const query =
      typeof v.query === 'object' && v.query !== null
        ? (v.query as { query?: unknown }).query
        : v.query;
    return typeof query === 'string' && query !== ''
      ? [{ where: `variable $${v.name ?? '?'}`, expr: templatingExpr(query) }]
      : [];
  });
  return [...panels, ...variables.filter((v) => v.expr !== '')];
}

export function dashboardProblems(dashboard: Dashboard, exported: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const panel of panelsOf(dashboard)) {
    if (!(panel.targets ?? []).some((t) => (t.expr ?? '').trim() !== '')) {
      problems.push(`panel "${panel.title ?? panel.id}" has no query`);
    }
  }
  for (const { where, expr } of queriesOf(dashboard)) {
    const names = metricNamesOf(expr);
    if (names.length === 0 && expr.trim() !== '') problems.push(`${where}: no metric in ${expr}`);
    for (const name of names) {
      if (!exported.has(name)) problems.push(`${where}: ${name} is not a metric floatd exports`);
    }
  }
  return problems;
}
