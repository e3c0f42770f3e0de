// A tiny XML writer for EC2 Query responses: `<xxxSet><item>...</item></xxxSet>` lists,
// elements named exactly as the SDK's deserialiser reads them (the shapes' xmlName traits).

export const ec2Namespace = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export type XmlScalar = string | number | boolean;

export interface XmlElement {
  readonly name: string;
  /** Text, children, or nothing (`<name/>`). */
  readonly content: XmlScalar | readonly XmlElement[] | null;
}

export type XmlChild = XmlElement | undefined | false;

/** An element; children that are undefined/false are left out (optional fields). */
export function el(name: string, content: XmlScalar | readonly XmlChild[] | null): XmlElement {
  if (Array.isArray(content)) {
    return { name, content: content.filter((c): c is XmlElement => Boolean(c)) };
  }
  return { name, content: content as XmlScalar | null };
}

/** An optional scalar: left out when undefined. */
export function opt(name: string, value: XmlScalar | undefined): XmlElement | undefined {
  return value === undefined ? undefined : el(name, value);
}

/** `<name><item>...</item>...</name>`, the EC2 list encoding. */
export function itemSet(name: string, items: readonly (readonly XmlChild[])[]): XmlElement {
  return el(
    name,
    items.map((children) => el('item', children)),
  );
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function render(element: XmlElement, out: string[]): void {
  const { name, content } = element;
  if (content === null || (Array.isArray(content) && content.length === 0)) {
    out.push(`<${name}/>`);
  } else if (Array.isArray(content)) {
    out.push(`<${name}>`);
    for (const child of content as readonly XmlElement[]) render(child, out);
    out.push(`</${name}>`);
  } else {
    out.push(`<${name}>${escapeXml(String(content))}</${name}>`);
  }
}

export function renderXml(element: XmlElement): string {
  const out: string[] = [];
  render(element, out);
  return out.join('');
}

/** `<XxxResponse xmlns=...><requestId>..</requestId>...</XxxResponse>` */
export function renderResponse(
  action: string,
  requestId: string,
  body: readonly XmlChild[],
): string {
  const children = [el('requestId', requestId), ...body].filter((c): c is XmlElement => Boolean(c));
  const inner = children.map(renderXml).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${action}Response xmlns="${ec2Namespace}">${inner}</${action}Response>`
  );
}

/** The EC2 error document: the SDK takes `Errors.Error.Code` as the error's name. */
export function renderError(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    renderXml(
      el('Response', [
        el('Errors', [el('Error', [el('Code', code), el('Message', message)])]),
        el('RequestID', requestId),
      ]),
    )
  );
}

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
