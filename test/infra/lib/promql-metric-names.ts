// The metric names a PromQL expression selects, as a dashboard writes them: what is left once
// strings, label matchers, ranges, grouping label lists, numbers and Grafana's variables are
// taken out, less function names (an identifier before "(") and PromQL's keywords. Enough for
// the queries we write; a name it cannot see is a name the check cannot vouch for, so the
// dashboard test also requires every query to name at least one metric.

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

const STRINGS = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const GRAFANA_VARIABLES = /\$\{[^}]*\}|\$\w+/g;
const MATCHERS = /\{[^}]*\}/g;
const RANGES = /\[[^\]]*\]/g;
const LABEL_LISTS = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi;
const OFFSETS = /\boffset\s+-?\w+/gi;
const NUMBERS = /(?<![\w:])(?:0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)/gi;
const IDENTIFIER = /[a-zA-Z_:][\w:]*/g;

export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(STRINGS, '""')
    .replace(GRAFANA_VARIABLES, ' ')
    .replace(MATCHERS, ' ')
    .replace(RANGES, ' ')
    .replace(LABEL_LISTS, ' ')
    .replace(OFFSETS, ' ')
    .replace(NUMBERS, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(IDENTIFIER)) {
    const after = bare.slice(match.index + match[0].length);
    if (/^\s*\(/.test(after)) continue; // a function or an aggregation
    if (KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/**
 * The PromQL inside a Grafana templating query: label_values(EXPR, label) selects EXPR,
 * label_values(label) no metric; any other query is PromQL itself.
 */
export function templatingExpr(query: string): string {
  if (/^\s*label_values\(\s*\w+\s*\)\s*$/.test(query)) return '';
  const withMetric = /^\s*label_values\((.+),\s*\w+\s*\)\s*$/s.exec(query);
  return withMetric?.[1] ?? query;
}
