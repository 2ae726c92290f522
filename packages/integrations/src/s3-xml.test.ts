import { describe, expect, it } from 'vitest';
import { child, childrenNamed, childText, parseXml, XmlParseError } from './s3-xml.js';

describe('parseXml (S3 responses)', () => {
  it('reads elements, text, CDATA, entities and numeric references; drops prefixes and attributes', () => {
    const doc = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<s3:ListBucketResult xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/" a='x > y'>
  <Contents><Key> a&amp;b &lt;c&gt; &#x4E2D;&#25991; </Key><ETag>&quot;e&quot;</ETag></Contents>
  <Contents><Key><![CDATA[<raw & key>]]></Key><Empty/></Contents>
</s3:ListBucketResult>`,
    );
    const result = child(doc, 'ListBucketResult');
    const contents = childrenNamed(result, 'Contents');
    expect(contents).toHaveLength(2);
    expect(childText(contents[0], 'Key')).toBe(' a&b <c> 中文 ');
    expect(childText(contents[0], 'ETag')).toBe('"e"');
    expect(childText(contents[1], 'Key')).toBe('<raw & key>');
    expect(childText(contents[1], 'Empty')).toBe('');
  });

  it.each([
    ['a DOCTYPE (no entity expansion)', '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'],
    ['an unknown entity', '<x>&nbsp;</x>'],
    ['an out-of-range character reference', '<x>&#x110000;</x>'],
    ['a mismatched closing tag', '<a><b></a></b>'],
    ['an unclosed element', '<a><b></b>'],
    ['text outside the root', 'junk<a/>'],
    ['two roots', '<a/><b/>'],
    ['no root', '<?xml version="1.0"?>'],
    ['an unterminated tag', '<a attr="x'],
  ])('refuses %s', (_what, xml) => {
    expect(() => parseXml(xml)).toThrow(XmlParseError);
  });

  it('limits nesting depth', () => {
    const deep = `${'<a>'.repeat(100)}${'</a>'.repeat(100)}`;
    expect(() => parseXml(deep)).toThrow(/nested deeper/);
    expect(() => parseXml(deep, { maxDepth: 200 })).not.toThrow();
  });

  it('stays linear on adversarial input', () => {
    const big = `<a>${'&amp;'.repeat(200_000)}${'<b x="1"/>'.repeat(50_000)}</a>`;
    const t = performance.now();
    const doc = parseXml(big);
    expect(child(doc, 'a')!.text.length).toBe(200_000);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
