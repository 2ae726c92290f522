/**
 * The JSONPath subset of the corpus: `$`, `.name`, `['name']`, `[n]`, `[*]`/`.*`, `..name` (any depth) and
 * the filter `[?(@.key=='value')]` (also `@.a.b`, `==`/`!=`, string, number or boolean literals).
 */

export type Segment =
  | { kind: 'child'; name: string }
  | { kind: 'desc'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wild' }
  | { kind: 'filter'; keyPath: string[]; op: '==' | '!='; value: unknown };

export class JsonPathError extends Error {}

export function parsePath(path: string): Segment[] {
  if (!path.startsWith('$')) throw new JsonPathError(`JSONPath must start with $: ${path}`);
  const segs: Segment[] = [];
  let i = 1;
  const nameAt = (start: number): [string, number] => {
    let j = start;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
    if (j === start) throw new JsonPathError(`empty name at ${start} in ${path}`);
    return [path.slice(start, j), j];
  };
  while (i < path.length) {
    if (path.startsWith('..', i)) {
      if (path[i + 2] === '[') throw new JsonPathError(`unsupported '..[' in ${path}`);
      const [name, j] = nameAt(i + 2);
      segs.push(name === '*' ? { kind: 'wild' } : { kind: 'desc', name });
      i = j;
    } else if (path[i] === '.') {
      const [name, j] = nameAt(i + 1);
      segs.push(name === '*' ? { kind: 'wild' } : { kind: 'child', name });
      i = j;
    } else if (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close === -1) throw new JsonPathError(`unclosed [ in ${path}`);
      let inner = path.slice(i + 1, close);
      let end = close + 1;
      if (inner.startsWith('?(')) {
        // The filter may contain ']' inside quotes; find the closing ')]'.
        const fclose = path.indexOf(')]', i);
        if (fclose === -1) throw new JsonPathError(`unclosed filter in ${path}`);
        inner = path.slice(i + 1, fclose + 1);
        end = fclose + 2;
        const m = /^\?\(\s*@((?:\.[A-Za-z0-9_$-]+)+)\s*(==|!=)\s*(.+?)\s*\)$/.exec(inner);
        if (!m) throw new JsonPathError(`unsupported filter ${inner} in ${path}`);
        const lit = m[3]!;
        let value: unknown;
        if (/^'.*'$/.test(lit) || /^".*"$/.test(lit)) value = lit.slice(1, -1);
        else value = JSON.parse(lit);
        segs.push({ kind: 'filter', keyPath: m[1]!.slice(1).split('.'), op: m[2] as '==' | '!=', value });
      } else if (inner === '*') segs.push({ kind: 'wild' });
      else if (/^-?\d+$/.test(inner)) segs.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$/.test(inner) || /^".*"$/.test(inner)) segs.push({ kind: 'child', name: inner.slice(1, -1) });
      else throw new JsonPathError(`unsupported [${inner}] in ${path}`);
      i = end;
    } else throw new JsonPathError(`unexpected '${path[i]}' at ${i} in ${path}`);
  }
  return segs;
}

/** A located value: its container and key (undefined container for the root). */
export interface Located {
  parent: Record<string, unknown> | unknown[] | undefined;
  key: string | number | undefined;
  value: unknown;
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && !(v instanceof Uint8Array);
}

function children(node: unknown): Located[] {
  if (Array.isArray(node)) return node.map((value, key) => ({ parent: node, key, value }));
  if (isContainer(node)) {
    const o = node as Record<string, unknown>;
    return Object.keys(o).map((key) => ({ parent: o, key, value: o[key] }));
  }
  return [];
}

function descendantsAndSelf(node: unknown, out: unknown[] = []): unknown[] {
  out.push(node);
  for (const c of children(node)) descendantsAndSelf(c.value, out);
  return out;
}

function own(node: unknown, name: string): Located | undefined {
  if (isContainer(node) && !Array.isArray(node) && Object.hasOwn(node, name)) {
    const o = node as Record<string, unknown>;
    return { parent: o, key: name, value: o[name] };
  }
  return undefined;
}

/** All values the path selects in `root`. */
export function select(root: unknown, path: string | Segment[]): Located[] {
  const segs = typeof path === 'string' ? parsePath(path) : path;
  let current: Located[] = [{ parent: undefined, key: undefined, value: root }];
  for (const seg of segs) {
    const next: Located[] = [];
    for (const loc of current) {
      const node = loc.value;
      switch (seg.kind) {
        case 'child': {
          const c = own(node, seg.name);
          if (c) next.push(c);
          break;
        }
        case 'desc':
          for (const d of descendantsAndSelf(node)) {
            const c = own(d, seg.name);
            if (c) next.push(c);
          }
          break;
        case 'index':
          if (Array.isArray(node)) {
            const idx = seg.index < 0 ? node.length + seg.index : seg.index;
            if (idx >= 0 && idx < node.length) next.push({ parent: node, key: idx, value: node[idx] });
          }
          break;
        case 'wild':
          next.push(...children(node));
          break;
        case 'filter':
          for (const c of children(node)) {
            let v: unknown = c.value;
            for (const k of seg.keyPath)
              v = isContainer(v) && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined;
            if ((v === seg.value) === (seg.op === '==')) next.push(c);
          }
          break;
      }
    }
    current = next;
  }
  return current;
}

/** Removes every value the path selects (in place). Removing the root is not possible and is ignored. */
export function removePath(root: unknown, path: string | Segment[]): void {
  const found = select(root, path);
  const arrays = new Map<unknown[], Set<number>>();
  for (const l of found) {
    if (Array.isArray(l.parent) && typeof l.key === 'number') {
      let set = arrays.get(l.parent);
      if (!set) {
        set = new Set();
        arrays.set(l.parent, set);
      }
      set.add(l.key);
    } else if (l.parent && typeof l.key === 'string') delete (l.parent as Record<string, unknown>)[l.key];
  }
  // Array elements: splice from the highest index down so earlier indexes stay valid.
  for (const [arr, set] of arrays) for (const idx of [...set].sort((a, b) => b - a)) arr.splice(idx, 1);
}
