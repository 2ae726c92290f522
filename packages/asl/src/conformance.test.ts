/**
 * Runs the shared ASL fixture index and the sfn corpus validation cases against the validator.
 * The corpus lives outside the repository (`/work/shared`, resolved relative to the repo root); when it is
 * absent the suites are skipped with a message.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  invalidDefinitionMessage,
  parseDefinition,
  validateDefinition,
  validateStateDefinition,
  variableReferences,
} from './index.js';

const SHARED = fileURLToPath(new URL('../../../../shared/conformance/', import.meta.url));
const ASL_INDEX = join(SHARED, 'asl', 'index.json');
const SFN_DIR = join(SHARED, 'sfn');
const present = existsSync(ASL_INDEX) && existsSync(SFN_DIR);
if (!present) console.warn(`[asl] conformance corpus not found at ${SHARED}: skipping corpus suites`);

interface Fixture {
  file: string;
  expected: 'valid' | 'invalid';
  awsExpected: 'valid' | 'invalid' | 'unknown';
  note: string;
}

describe.skipIf(!present)('asl fixture index (awsExpected)', () => {
  const fixtures: Fixture[] = present ? JSON.parse(readFileSync(ASL_INDEX, 'utf8')).fixtures : [];
  const scored = fixtures.filter((f) => f.awsExpected !== 'unknown');
  it.each(scored.map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const text = readFileSync(join(SHARED, 'asl', f.file), 'utf8');
    const r = validateDefinition(text);
    const verdict = r.result === 'OK' ? 'valid' : 'invalid';
    expect({ verdict, diagnostics: r.diagnostics }).toMatchObject({ verdict: f.awsExpected });
  });
  it.each(fixtures.filter((f) => f.awsExpected === 'unknown').map((f) => [f.file, f] as const))(
    'unknown verdict, never throws: %s',
    (_file, f) => {
      const text = readFileSync(join(SHARED, 'asl', f.file), 'utf8');
      expect(['OK', 'FAIL']).toContain(validateDefinition(text).result);
    },
  );
});

interface Step {
  call?: string;
  input?: { definition?: string; type?: 'STANDARD' | 'EXPRESS' };
  expect?: unknown;
  expectError?: { name?: string; message?: string };
}
interface Case {
  id: string;
  names?: Record<string, string>;
  source?: { awsValidated?: boolean };
  steps: Step[];
}

function listCases(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...listCases(p));
    else if (entry.endsWith('.json') && entry !== 'index.json') out.push(p);
  }
  return out;
}

function substitute(text: string, c: Case): string {
  return text.replace(/\{\{name:([^}]+)\}\}/g, (_m, key: string) =>
    (c.names?.[key] ?? `name-${key}`).replace(/\{uid\}/g, '0123abcd'),
  );
}

/** Recorded responses that did not come from AWS (see the package README). */
const NOT_AWS = new Set(['api-map-run/map_state_label_empty_fail', 'api-map-run/map_state_label_too_long_fail']);

describe.skipIf(!present)('sfn corpus definitions', () => {
  const cases: Case[] = present ? listCases(SFN_DIR).map((p) => JSON.parse(readFileSync(p, 'utf8'))) : [];
  const validations: Array<[string, Step, Case]> = [];
  const rejected: Array<[string, Step, Case]> = [];
  const accepted: Array<[string, Step, Case]> = [];
  for (const c of cases) {
    c.steps.forEach((s, i) => {
      const def = s.input?.definition;
      if (typeof def !== 'string') return;
      const label = `${c.id}#${i}`;
      if (s.call === 'ValidateStateMachineDefinition') validations.push([label, s, c]);
      else if (s.call === 'CreateStateMachine' || s.call === 'UpdateStateMachine') {
        if (s.expectError?.name === 'InvalidDefinition') rejected.push([label, s, c]);
        else if (!s.expectError) accepted.push([label, s, c]);
      }
    });
  }

  it.each(validations)('ValidateStateMachineDefinition %s', (_l, s, c) => {
    const r = validateDefinition(substitute(s.input!.definition!, c), { type: s.input!.type });
    expect(r).toEqual(s.expect);
  });

  it.each(rejected.filter(([, , c]) => !NOT_AWS.has(c.id)))('InvalidDefinition message %s', (_l, s, c) => {
    const r = validateDefinition(substitute(s.input!.definition!, c), { type: s.input!.type });
    expect(r.result).toBe('FAIL');
    expect(invalidDefinitionMessage(r.diagnostics)).toBe(s.expectError!.message);
  });

  it.each(rejected.filter(([, , c]) => NOT_AWS.has(c.id)))('rejected (message not from AWS) %s', (_l, s, c) => {
    expect(validateDefinition(substitute(s.input!.definition!, c), { type: s.input!.type }).result).toBe('FAIL');
  });

  it.each(accepted)('accepted by AWS %s', (_l, s, c) => {
    const r = validateDefinition(substitute(s.input!.definition!, c), { type: s.input!.type });
    expect(r.diagnostics).toEqual([]);
  });
});

describe.skipIf(!present)('sfn corpus variableReferences', () => {
  const rows: Array<[string, string, Record<string, string[]>]> = [];
  if (present) {
    for (const p of listCases(SFN_DIR)) {
      const c: Case = JSON.parse(readFileSync(p, 'utf8'));
      let definition: string | undefined;
      c.steps.forEach((s, i) => {
        if (s.call === 'CreateStateMachine' && typeof s.input?.definition === 'string') definition = s.input.definition;
        const expected = s.expect as
          | { variableReferences?: Record<string, string[]>; definition?: unknown }
          | undefined;
        if (
          (s.call === 'DescribeStateMachine' || s.call === 'DescribeStateMachineForExecution') &&
          expected &&
          definition
        ) {
          rows.push([
            `${c.id}#${i}`,
            substitute(
              typeof expected.definition === 'string'
                ? expected.definition
                : expected.definition
                  ? JSON.stringify(expected.definition)
                  : definition,
              c,
            ),
            expected.variableReferences ?? {},
          ]);
        }
      });
    }
  }
  it.each(rows)('%s', (_label, text, expected) => {
    const { definition } = parseDefinition(text);
    expect(definition).toBeDefined();
    const sorted = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, [...v].sort()]));
    expect(variableReferences(definition!)).toEqual(sorted);
  });
});

describe.skipIf(!present)('sfn corpus TestState definitions', () => {
  const rows: Array<[string, string, string]> = [];
  if (present) {
    for (const p of listCases(SFN_DIR)) {
      const c: Case = JSON.parse(readFileSync(p, 'utf8'));
      c.steps.forEach((s, i) => {
        const message = s.expectError?.message;
        if (
          s.call === 'TestState' &&
          typeof s.input?.definition === 'string' &&
          message?.startsWith('Invalid State Machine Definition')
        ) {
          rows.push([`${c.id}#${i}`, substitute(s.input.definition, c), message]);
        }
      });
    }
  }
  it.each(rows)('%s', (_label, text, message) => {
    const whole = /"StartAt"/.test(text) && /"States"/.test(text);
    const r = whole ? validateDefinition(text) : validateStateDefinition(text);
    expect(invalidDefinitionMessage(r.diagnostics)).toBe(message);
  });
});
