import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runValidate } from './validate-command.js';

const dir = mkdtempSync(join(tmpdir(), 'statecraft-validate-'));
const good = join(dir, 'good.asl.json');
const bad = join(dir, 'bad.asl.json');
const broken = join(dir, 'broken.asl.json');
writeFileSync(good, JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }));
writeFileSync(bad, JSON.stringify({ StartAt: 'A' }));
writeFileSync(broken, '{"StartAt": ');

function capture() {
  let text = '';
  return { out: { write: (t: string) => (text += t) }, text: () => text };
}

describe('statecraft validate', () => {
  it('exits 0 and says valid for a valid definition', async () => {
    const c = capture();
    expect(await runValidate([good], c.out)).toBe(0);
    expect(c.text()).toContain('good.asl.json: valid');
  });

  it('exits 1 and prints AWS diagnostics for invalid ones', async () => {
    const c = capture();
    expect(await runValidate([good, bad, broken], c.out)).toBe(1);
    expect(c.text()).toContain('bad.asl.json: INVALID');
    expect(c.text()).toContain('SCHEMA_VALIDATION_FAILED');
    expect(c.text()).toContain('INVALID_JSON_DESCRIPTION');
  });

  it('prints JSON with --json', async () => {
    const c = capture();
    expect(await runValidate(['--json', bad], c.out)).toBe(1);
    const parsed = JSON.parse(c.text()) as { file: string; result: string; diagnostics: { code: string }[] }[];
    expect(parsed[0]).toMatchObject({ file: bad, result: 'FAIL' });
    expect(parsed[0]!.diagnostics.length).toBeGreaterThan(0);
  });

  it('reports an unreadable file as invalid', async () => {
    const c = capture();
    expect(await runValidate([join(dir, 'missing.json')], c.out)).toBe(1);
    expect(c.text()).toContain('FILE_NOT_READABLE');
  });
});
