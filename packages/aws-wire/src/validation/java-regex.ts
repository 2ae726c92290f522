/**
 * Translation of the Java regular expressions in AWS models (`@pattern`) to JavaScript.
 *
 * Coral matches a pattern against the whole value (`Matcher.matches()`), so the translation is
 * anchored as `^(?:…)$`. It is compiled with the `u` flag: lengths and classes work on code points,
 * and `\p{…}` property escapes need it. Only constructs whose meaning is the same in both engines
 * are translated; anything else fails loudly so that a model update cannot silently change matching.
 *
 * @see https://smithy.io/2.0/spec/constraint-traits.html#pattern-trait
 * @see https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/util/regex/Pattern.html
 */

/** Java POSIX / java.lang.Character classes → JS (`u` mode) equivalents. */
const JAVA_CLASSES: Readonly<Record<string, string>> = {
  ASCII: '\\x00-\\x7F',
  Lower: 'a-z',
  Upper: 'A-Z',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

const cache = new Map<string, RegExp>();

/**
 * Compiles a model pattern once (cached by source) into an anchored JS `RegExp` with the `u` flag.
 *
 * @throws Error when the pattern uses a Java construct this translation does not support.
 * @internal
 */
export function compileJavaPattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${translateJavaPattern(pattern)})$`, 'u');
    cache.set(pattern, re);
  }
  return re;
}

/**
 * Rewrites a Java pattern body into JS `u`-mode syntax.
 *
 * @internal
 */
export function translateJavaPattern(pattern: string): string {
  let out = '';
  let inClass = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw unsupported(pattern, 'a trailing backslash');
      if (n === 'p' || n === 'P') {
        const m = /^\{(?:Is)?([A-Za-z_]+)\}/.exec(pattern.slice(i + 2));
        if (!m) throw unsupported(pattern, `\\${n} without {Name}`);
        const name = m[1]!;
        const posix = JAVA_CLASSES[name];
        if (posix !== undefined) {
          if (n === 'P' && inClass) throw unsupported(pattern, `\\P{${name}} inside a class`);
          out += inClass ? posix : n === 'p' ? `[${posix}]` : `[^${posix}]`;
        } else {
          // Unicode general categories and scripts (\p{L}, \p{IsLatin}…) are spelled alike.
          out += `\\${n}{${name}}`;
        }
        i += 1 + m[0].length;
        continue;
      }
      if (n === 'A') {
        out += '^';
      } else if (n === 'z' || n === 'Z') {
        out += '$';
      } else if (n === 'h') {
        out += inClass
          ? ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000'
          : '[ \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000]';
      } else if (n === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end === -1 ? undefined : end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end === -1 ? pattern.length : end + 1;
        continue;
      } else if ('GRXbBkK'.includes(n) && !(n === 'b' && inClass)) {
        if (n === 'b' || n === 'B') out += `\\${n}`;
        else throw unsupported(pattern, `\\${n}`);
      } else if (/[A-Za-z0-9]/.test(n)) {
        // \d \w \s \D \W \S \t \n \r \f \x.. \u.... \0.. backreferences: same meaning in u mode.
        out += `\\${n}`;
      } else {
        // Escaped punctuation: u mode allows only syntax characters (and `-` in classes) to be escaped.
        out += /[\\^$.*+?()[\]{}|/]/.test(n) || (n === '-' && inClass) ? `\\${n}` : n;
      }
      i++;
      continue;
    }
    if (c === '[') {
      if (inClass && pattern[i - 1] !== '[') {
        // Java union `[a[b]]` / intersection `&&` have no u-mode equivalent (v mode differs).
        throw unsupported(pattern, 'a nested character class');
      }
      inClass++;
      out += c;
      continue;
    }
    if (c === ']' && inClass) {
      inClass--;
      out += c;
      continue;
    }
    if (inClass && c === '&' && pattern[i + 1] === '&') throw unsupported(pattern, 'class intersection &&');
    if (!inClass && (c === '+' || c === '*' || c === '?' || c === '}') && pattern[i + 1] === '+') {
      // Possessive quantifier: matches the same strings as the greedy one for all patterns in the
      // SFN/SWF models (no backtracking-dependent constructs follow them); keep the greedy form.
      out += c;
      i++;
      continue;
    }
    if (!inClass && c === '(' && pattern[i + 1] === '?' && pattern[i + 2] === '>') {
      out += '(?:'; // atomic group: same reasoning as possessive quantifiers
      i += 2;
      continue;
    }
    if (
      !inClass &&
      c === '(' &&
      pattern[i + 1] === '?' &&
      /[a-zA-Z]/.test(pattern[i + 2] ?? '') &&
      pattern[i + 2] !== '<'
    ) {
      throw unsupported(pattern, 'inline flags (?…)');
    }
    out += c;
  }
  return out;
}

function unsupported(pattern: string, what: string): Error {
  return new Error(
    `[statecraft] Failed to compile the model pattern ${JSON.stringify(pattern)}: ${what} has no JavaScript equivalent. Extend packages/aws-wire/src/validation/java-regex.ts.`,
  );
}
