/**
 * A small XML reader for S3's REST responses (ListObjectsV2 results and `<Error>` documents).
 *
 * Deliberately limited and safe: one linear pass without backtracking regular expressions, no DTDs (a
 * `<!DOCTYPE` is refused, so no entity expansion), only the five predefined entities and numeric character
 * references, a nesting limit, and closing tags checked against their opening tags. Attributes are skipped
 * (quoted values may contain `>`); namespace prefixes are dropped from element names. Text is kept exactly
 * (S3 keys may begin or end with spaces).
 */

/** An element: its local name, child elements and concatenated character data. @internal */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

/** The document is not XML this reader accepts. @internal */
export class XmlParseError extends Error {
  override readonly name = 'XmlParseError';
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string, at: number): string {
  if (!text.includes('&')) return text;
  let out = '';
  let i = 0;
  for (;;) {
    const amp = text.indexOf('&', i);
    if (amp < 0) return out + text.slice(i);
    out += text.slice(i, amp);
    const semi = text.indexOf(';', amp);
    // Entity names are short: refuse anything longer rather than scanning on.
    if (semi < 0 || semi - amp > 12) throw new XmlParseError(`unterminated entity reference near offset ${at + amp}`);
    const ref = text.slice(amp + 1, semi);
    let decoded: string | undefined = PREDEFINED[ref];
    if (decoded === undefined && ref.startsWith('#')) {
      const cp = /^#x[0-9a-fA-F]{1,6}$/.test(ref)
        ? Number.parseInt(ref.slice(2), 16)
        : /^#[0-9]{1,7}$/.test(ref)
          ? Number.parseInt(ref.slice(1), 10)
          : Number.NaN;
      if (cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) decoded = String.fromCodePoint(cp);
    }
    if (decoded === undefined) throw new XmlParseError(`unknown entity '&${ref};' near offset ${at + amp}`);
    out += decoded;
    i = semi + 1;
  }
}

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;

/**
 * Parses an XML document into a tree under a synthetic `#document` element.
 * @throws XmlParseError when the text is not well-formed (as far as this reader checks) or exceeds a limit.
 * @internal
 */
export function parseXml(xml: string, limits: { readonly maxDepth?: number } = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? 64;
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const names: string[] = [];
  const n = xml.length;
  let i = 0;
  const expectEnd = (token: string, from: number): number => {
    const end = xml.indexOf(token, from);
    if (end < 0) throw new XmlParseError(`unterminated markup at offset ${from}`);
    return end;
  };
  while (i < n) {
    const top = stack[stack.length - 1]!;
    if (xml.charCodeAt(i) !== 60 /* < */) {
      const next = xml.indexOf('<', i);
      const end = next < 0 ? n : next;
      if (stack.length > 1) top.text += decodeEntities(xml.slice(i, end), i);
      else if (xml.slice(i, end).trim() !== '') throw new XmlParseError(`text outside the root element at offset ${i}`);
      i = end;
      continue;
    }
    if (xml.startsWith('<?', i)) {
      i = expectEnd('?>', i + 2) + 2;
    } else if (xml.startsWith('<!--', i)) {
      i = expectEnd('-->', i + 4) + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      const end = expectEnd(']]>', i + 9);
      if (stack.length === 1) throw new XmlParseError(`CDATA outside the root element at offset ${i}`);
      top.text += xml.slice(i + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<!', i)) {
      throw new XmlParseError(`document type declarations are not accepted (offset ${i})`);
    } else if (xml.startsWith('</', i)) {
      const end = expectEnd('>', i + 2);
      const qname = xml.slice(i + 2, end).trim();
      const open = names.pop();
      if (open === undefined || open !== qname) {
        throw new XmlParseError(`closing tag </${qname}> does not match <${open ?? ''}> at offset ${i}`);
      }
      stack.pop();
      i = end + 1;
    } else {
      // A start tag: a name, then attributes (skipped, honouring quotes), then `>` or `/>`.
      let j = i + 1;
      if (j >= n || !NAME_START.test(xml[j]!)) throw new XmlParseError(`invalid tag at offset ${i}`);
      while (j < n && NAME_CHAR.test(xml[j]!)) j++;
      const qname = xml.slice(i + 1, j);
      let selfClosing = false;
      for (;;) {
        if (j >= n) throw new XmlParseError(`unterminated tag <${qname}> at offset ${i}`);
        const c = xml[j]!;
        if (c === '"' || c === "'") {
          j = expectEnd(c, j + 1) + 1;
        } else if (c === '>') {
          j++;
          break;
        } else if (c === '/' && xml[j + 1] === '>') {
          selfClosing = true;
          j += 2;
          break;
        } else if (c === '<') {
          throw new XmlParseError(`'<' inside tag <${qname}> at offset ${j}`);
        } else {
          j++;
        }
      }
      if (stack.length === 1 && root.children.length > 0) {
        throw new XmlParseError(`a second root element <${qname}> at offset ${i}`);
      }
      const colon = qname.indexOf(':');
      const element: XmlElement = { name: colon >= 0 ? qname.slice(colon + 1) : qname, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) {
        if (stack.length > maxDepth) throw new XmlParseError(`elements nested deeper than ${maxDepth}`);
        stack.push(element);
        names.push(qname);
      }
      i = j;
    }
  }
  if (names.length > 0) throw new XmlParseError(`unclosed element <${names[names.length - 1]}>`);
  if (root.children.length === 0) throw new XmlParseError('no root element');
  return root;
}

/** The first child element named `name`. @internal */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** The text of the first child element named `name`. @internal */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  return child(element, name)?.text;
}

/** The child elements named `name`. @internal */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}
