/** Loading cases from a corpus folder and selecting them with `--filter`. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import * as swfSdk from '@aws-sdk/client-swf';
import { type CaseFile, isAwait, type LoadedCase } from './types.js';

const NOT_CASES = new Set(['index.json', 'checklist.json']);

async function walk(dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) await walk(p, out);
    else if (entry.isFile() && entry.name.endsWith('.json') && !NOT_CASES.has(entry.name)) out.push(p);
  }
}

/** SWF when the case says so (`wire`, step `origin`s) or its first call is an SWF-only operation. */
export function serviceOf(data: CaseFile): 'sfn' | 'swf' {
  if (data.wire || data.steps.some((s) => !isAwait(s) && typeof s.origin === 'string')) return 'swf';
  if (String(data.source?.suite ?? '').startsWith('simpleflow')) return 'swf';
  const first = data.steps.find((s) => !isAwait(s));
  const mod = swfSdk as unknown as Record<string, unknown>;
  if (first && !isAwait(first) && typeof mod[`${first.call}Command`] === 'function') {
    // Operations named alike in both services do not exist, so an SWF command name means SWF.
    return 'swf';
  }
  return 'sfn';
}

export class CaseLoadError extends Error {}

/** Loads every case under `root` (a folder, or a single case file). Files without `steps` are not cases. */
export async function loadCases(
  root: string,
): Promise<{ cases: LoadedCase[]; errors: { file: string; message: string }[] }> {
  const files: string[] = [];
  const st = await stat(root);
  if (st.isDirectory()) await walk(root, files);
  else files.push(root);
  files.sort();
  const cases: LoadedCase[] = [];
  const errors: { file: string; message: string }[] = [];
  for (const file of files) {
    let data: CaseFile;
    try {
      data = JSON.parse(await readFile(file, 'utf8')) as CaseFile;
    } catch (e) {
      errors.push({ file, message: `not JSON: ${(e as Error).message}` });
      continue;
    }
    if (!data || typeof data !== 'object' || !Array.isArray(data.steps)) continue;
    const rel = st.isDirectory()
      ? relative(root, file)
          .split(sep)
          .join('/')
          .replace(/\.json$/, '')
      : file;
    const id = typeof data.id === 'string' ? data.id : rel;
    const service = serviceOf(data);
    const area = typeof data.area === 'string' ? data.area : id.includes('/') ? id.slice(0, id.indexOf('/')) : service;
    cases.push({ id, area, service, file, data });
  }
  return { cases, errors };
}

/** Converts a glob (`*` within a path segment, `**` across segments, `?` one character) to a RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * `--filter`: comma-separated globs over case ids (`base/*`, `**\/*lambda*`); a glob also selects every case
 * below it as a folder (`base` selects `base/...`), and a leading `!` excludes.
 */
export function makeFilter(spec: string | undefined): (id: string) => boolean {
  if (!spec) return () => true;
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const include = parts.filter((p) => !p.startsWith('!')).map(globToRegExp);
  const exclude = parts.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
  const hit = (res: RegExp[], id: string) =>
    res.some((re) => {
      if (re.test(id)) return true;
      const segs = id.split('/');
      for (let i = 1; i < segs.length; i++) if (re.test(segs.slice(0, i).join('/'))) return true;
      return false;
    });
  return (id) => (include.length === 0 || hit(include, id)) && !hit(exclude, id);
}
