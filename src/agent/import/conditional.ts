// keepalived.conf(5) "Conditional configuration and configuration id": a line starting '@id'
// is kept only when id is the config-id, '@^id' only when it is not; the word is followed by
// white space and the rest of the line (with nothing after the id, keepalived drops the line).

export type ConditionalResult =
  | { readonly kind: 'plain' }
  | { readonly kind: 'kept'; readonly text: string }
  | { readonly kind: 'skipped'; readonly which: string; readonly rest: string };

export function applyConditional(text: string, configId: string): ConditionalResult {
  if (!text.startsWith('@')) return { kind: 'plain' };
  const negate = text.startsWith('@^');
  const body = text.slice(negate ? 2 : 1);
  const space = body.search(/[ \t]/);
  const id = space < 0 ? body : body.slice(0, space);
  const rest = space < 0 ? '' : body.slice(space).replace(/^[ \t]+/, '');
  const which = `${negate ? '@^' : '@'}${id}`;
  if (space < 0 || (id === configId) === negate) return { kind: 'skipped', which, rest };
  return { kind: 'kept', text: rest };
}
