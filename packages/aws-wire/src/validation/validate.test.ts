import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENUM_ORDER } from './coral-quirks.js';
import {
  checkTypes,
  coerceInput,
  formatValidationMessage,
  type ServiceModel,
  sfnModel,
  swfModel,
  validateInput,
} from './index.js';
import { javaDate, javaDouble, javaFloat } from './java-format.js';
import { compileJavaPattern } from './java-regex.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const sharedDir = process.env.SHARED_DIR ? resolve(process.env.SHARED_DIR) : resolve(repoRoot, '../shared');
const hasShared = existsSync(join(sharedDir, 'conformance'));
if (!hasShared) {
  console.warn(
    `[statecraft] ${sharedDir} not found: the corpus-driven validation tests are skipped (set SHARED_DIR to run them).`,
  );
}

const models: Record<string, ServiceModel> = { sfn: sfnModel, swf: swfModel };
const one = (item: string) => `1 validation error detected: ${item}`;
const ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:sm';

interface Case {
  name: string;
  service: 'sfn' | 'swf';
  op: string;
  input: unknown;
  /** Expected ValidationException message, `null` for a valid request. */
  validation?: string | null;
  /** Expected SerializationException message (`undefined` member = no message). */
  serialization?: { message?: string };
}

// AWS-recorded messages first (WIRE.md §4 and conformance sfn/api-core/state_machine_status_filter),
// then one case per constraint kind, rendered the way Coral renders them.
const CASES: Case[] = [
  {
    name: 'AWS-recorded: maxResults above range',
    service: 'sfn',
    op: 'ListExecutions',
    input: { stateMachineArn: ARN, maxResults: 1001 },
    validation: one(
      "Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    ),
  },
  {
    name: 'AWS-recorded: statusFilter enum, in AWS order',
    service: 'sfn',
    op: 'ListExecutions',
    input: { stateMachineArn: ARN, statusFilter: 'succeeded' },
    validation: one(
      "Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]",
    ),
  },
  {
    name: 'required member missing: bare null',
    service: 'sfn',
    op: 'DescribeExecution',
    input: {},
    validation: one("Value null at 'executionArn' failed to satisfy constraint: Member must not be null"),
  },
  {
    name: 'required member sent as JSON null counts as missing',
    service: 'sfn',
    op: 'DescribeExecution',
    input: { executionArn: null },
    validation: one("Value null at 'executionArn' failed to satisfy constraint: Member must not be null"),
  },
  {
    name: 'empty body validates as {}',
    service: 'sfn',
    op: 'DescribeActivity',
    input: undefined,
    validation: one("Value null at 'activityArn' failed to satisfy constraint: Member must not be null"),
  },
  {
    name: 'value below range',
    service: 'sfn',
    op: 'ListActivities',
    input: { maxResults: -1 },
    validation: one(
      "Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0",
    ),
  },
  {
    name: 'fractional integer is truncated before the range check',
    service: 'sfn',
    op: 'ListActivities',
    input: { maxResults: 1000.9 },
    validation: null,
  },
  {
    name: 'string below min length',
    service: 'sfn',
    op: 'DescribeStateMachine',
    input: { stateMachineArn: '' },
    validation: one(
      "Value '' at 'stateMachineArn' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ),
  },
  {
    name: 'string above max length',
    service: 'sfn',
    op: 'CreateActivity',
    input: { name: 'a'.repeat(81) },
    validation: one(
      `Value '${'a'.repeat(81)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`,
    ),
  },
  {
    name: 'length counts code points (80 emoji = 160 UTF-16 units is fine)',
    service: 'sfn',
    op: 'CreateActivity',
    input: { name: '😀'.repeat(80) },
    validation: null,
  },
  {
    name: 'pattern with \\p{ASCII} (u flag)',
    service: 'sfn',
    op: 'StartExecution',
    input: { stateMachineArn: ARN, traceHeader: 'Root=é' },
    validation: one(
      "Value 'Root=é' at 'traceHeader' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*",
    ),
  },
  {
    name: 'pattern and length both reported, pattern first',
    service: 'sfn',
    op: 'CreateStateMachineAlias',
    input: { name: '', routingConfiguration: [{ stateMachineVersionArn: `${ARN}:1`, weight: 100 }] },
    validation:
      '2 validation errors detected: ' +
      "Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$; " +
      "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1",
  },
  {
    name: 'list length with Java toString of structures, then element errors with .N.member paths',
    service: 'sfn',
    op: 'UpdateStateMachineAlias',
    input: {
      stateMachineAliasArn: `${ARN}:prod`,
      routingConfiguration: [
        { stateMachineVersionArn: `${ARN}:1`, weight: 101 },
        { stateMachineVersionArn: `${ARN}:2`, weight: 50 },
        { stateMachineVersionArn: `${ARN}:3` },
      ],
    },
    validation:
      '3 validation errors detected: ' +
      `Value '[RoutingConfigurationListItem(stateMachineVersionArn=${ARN}:1, weight=101), RoutingConfigurationListItem(stateMachineVersionArn=${ARN}:2, weight=50), RoutingConfigurationListItem(stateMachineVersionArn=${ARN}:3)]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2; ` +
      "Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100; " +
      "Value null at 'routingConfiguration.3.member.weight' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'sensitive values are left out of the message',
    service: 'sfn',
    op: 'CreateStateMachine',
    input: { name: 'sm', definition: '', roleArn: 'arn:aws:iam::111111111111:role/r' },
    validation: one(
      "Value at 'definition' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ),
  },
  {
    name: 'AWS-observed: SFN input size is counted in UTF-8 bytes, value left out',
    service: 'sfn',
    op: 'StartExecution',
    input: { stateMachineArn: ARN, name: 'n', input: `"${'a'.repeat(262_144)}"` },
    validation: one(
      "Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
    ),
  },
  {
    name: 'UTF-8 size: 87382 three-byte characters exceed 262144 bytes',
    service: 'sfn',
    op: 'StartExecution',
    input: { stateMachineArn: ARN, input: `"${'€'.repeat(87_382)}"` },
    validation: one(
      "Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
    ),
  },
  {
    name: 'AWS-observed: too long execution name',
    service: 'sfn',
    op: 'StartExecution',
    input: { stateMachineArn: ARN, name: 'a'.repeat(81), input: '{}' },
    validation: one(
      `Value '${'a'.repeat(81)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`,
    ),
  },
  {
    name: 'a missing sensitive member still prints null',
    service: 'sfn',
    op: 'ValidateStateMachineDefinition',
    input: {},
    validation: one("Value null at 'definition' failed to satisfy constraint: Member must not be null"),
  },
  {
    name: 'float range rendered as Java Float.toString',
    service: 'sfn',
    op: 'UpdateMapRun',
    input: { mapRunArn: 'arn:aws:states:us-east-1:111111111111:mapRun:sm/m:1', toleratedFailurePercentage: 100.5 },
    validation: one(
      "Value '100.5' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100",
    ),
  },
  {
    name: 'enum without a recorded order: model order',
    service: 'sfn',
    op: 'CreateStateMachine',
    input: { name: 'sm', definition: '{}', roleArn: 'r', type: 'express' },
    validation: one(
      "Value 'express' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]",
    ),
  },
  {
    name: 'SWF nested decision attributes path',
    service: 'swf',
    op: 'RespondDecisionTaskCompleted',
    input: {
      taskToken: 't',
      decisions: [{ decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: '' } }],
    },
    validation:
      '2 validation errors detected: ' +
      "Value '' at 'decisions.1.member.startTimerDecisionAttributes.timerId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
      "Value null at 'decisions.1.member.startTimerDecisionAttributes.startToFireTimeout' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'SWF list of strings rendered [a, b]; null elements are accepted',
    service: 'swf',
    op: 'StartWorkflowExecution',
    input: {
      domain: 'd',
      workflowId: 'w',
      workflowType: { name: 'n', version: '1' },
      tagList: ['a', null, 'c', 'd', 'e', 'f'],
    },
    validation: one(
      "Value '[a, null, c, d, e, f]' at 'tagList' failed to satisfy constraint: Member must have length less than or equal to 5",
    ),
  },
  {
    name: 'AWS-recorded (SWF): tagList [null] is accepted',
    service: 'swf',
    op: 'StartWorkflowExecution',
    input: { domain: 'd', workflowId: 'w', workflowType: { name: 'n', version: '1' }, tagList: [null] },
    validation: null,
  },
  {
    name: 'unknown members are ignored',
    service: 'sfn',
    op: 'DescribeExecution',
    input: { executionArn: `${ARN}:x`, bogus: { deeply: [1, 2] }, maxResults: 'nope' },
    validation: null,
  },
  {
    name: 'at most 10 errors are listed',
    service: 'sfn',
    op: 'TagResource',
    input: { resourceArn: ARN, tags: Array.from({ length: 12 }, () => ({ key: '', value: 'v' })) },
    validation: formatValidationMessage(
      Array.from(
        { length: 10 },
        (_, i) =>
          `Value '' at 'tags.${i + 1}.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      ),
    ),
  },
  // SerializationException: wrong JSON types (Coral's deserializer wording).
  {
    name: 'string for an integer',
    service: 'sfn',
    op: 'ListActivities',
    input: { maxResults: '10' },
    serialization: { message: 'STRING_VALUE can not be converted to an Integer' },
  },
  {
    name: 'boolean for an integer',
    service: 'sfn',
    op: 'ListActivities',
    input: { maxResults: true },
    serialization: { message: 'TRUE_VALUE can not be converted to an Integer' },
  },
  {
    name: 'number for a string',
    service: 'sfn',
    op: 'DescribeExecution',
    input: { executionArn: 12 },
    serialization: { message: 'NUMBER_VALUE can not be converted to a String' },
  },
  {
    name: 'false for a string',
    service: 'sfn',
    op: 'DescribeExecution',
    input: { executionArn: false },
    serialization: { message: 'FALSE_VALUE can not be converted to a String' },
  },
  {
    name: 'list for a string',
    service: 'sfn',
    op: 'DescribeExecution',
    input: { executionArn: ['a'] },
    serialization: { message: 'Start of list found where not expected' },
  },
  {
    name: 'object for a string',
    service: 'sfn',
    op: 'DescribeExecution',
    input: { executionArn: {} },
    serialization: { message: 'Start of structure or map found where not expected.' },
  },
  {
    name: 'scalar for a list',
    service: 'sfn',
    op: 'UntagResource',
    input: { resourceArn: ARN, tagKeys: 'k' },
    serialization: { message: 'Expected list or null' },
  },
  {
    name: 'object for a list',
    service: 'sfn',
    op: 'UntagResource',
    input: { resourceArn: ARN, tagKeys: { k: 1 } },
    serialization: { message: 'Start of structure or map found where not expected.' },
  },
  {
    name: 'scalar for a structure',
    service: 'sfn',
    op: 'CreateStateMachine',
    input: { name: 'sm', definition: '{}', roleArn: 'r', loggingConfiguration: 'ALL' },
    serialization: { message: 'Expected null' },
  },
  {
    name: 'list for a structure',
    service: 'sfn',
    op: 'CreateStateMachine',
    input: { name: 'sm', definition: '{}', roleArn: 'r', loggingConfiguration: [] },
    serialization: { message: 'Start of list found where not expected' },
  },
  {
    name: 'number inside a list element',
    service: 'sfn',
    op: 'UntagResource',
    input: { resourceArn: ARN, tagKeys: ['a', 1] },
    serialization: { message: 'NUMBER_VALUE can not be converted to a String' },
  },
  {
    name: 'number for a boolean',
    service: 'sfn',
    op: 'GetExecutionHistory',
    input: { executionArn: ARN, reverseOrder: 1 },
    serialization: { message: 'NUMBER_VALUE can not be converted to a Boolean' },
  },
  {
    name: 'string for a timestamp',
    service: 'swf',
    op: 'ListOpenWorkflowExecutions',
    input: { domain: 'd', startTimeFilter: { oldestDate: '2024-01-01' } },
    serialization: { message: 'STRING_VALUE can not be converted to milliseconds since epoch' },
  },
  {
    name: 'first wrong type in document order wins over constraint errors',
    service: 'sfn',
    op: 'ListExecutions',
    input: { maxResults: 5000, nextToken: 3, statusFilter: true },
    serialization: { message: 'NUMBER_VALUE can not be converted to a String' },
  },
  {
    name: 'top-level array',
    service: 'sfn',
    op: 'ListActivities',
    input: [],
    serialization: { message: 'Start of list found where not expected' },
  },
  {
    name: 'top-level scalar: no message',
    service: 'sfn',
    op: 'ListActivities',
    input: 1,
    serialization: {},
  },
];

describe('validateInput', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = validateInput(models[c.service]!, c.op, c.input);
    if (c.serialization) {
      expect(result).toEqual({ ok: false, kind: 'serialization', ...c.serialization });
    } else if (c.validation) {
      expect(result).toEqual({ ok: false, kind: 'validation', message: c.validation });
    } else {
      expect(result).toEqual({ ok: true });
    }
  });

  it('throws a programmer error for an unknown operation', () => {
    expect(() => validateInput(sfnModel, 'NoSuchOperation', {})).toThrow(/\[statecraft\] Failed to validate input/);
  });

  it('checkTypes reports only the deserialization step', () => {
    expect(checkTypes(sfnModel, 'ListActivities', { maxResults: 5000 })).toEqual({ ok: true });
    expect(checkTypes(sfnModel, 'ListActivities', { maxResults: [] })).toEqual({
      ok: false,
      kind: 'serialization',
      message: 'Start of list found where not expected',
    });
  });

  it('formats the header in singular and plural', () => {
    expect(formatValidationMessage(['a'])).toBe('1 validation error detected: a');
    expect(formatValidationMessage(['a', 'b'])).toBe('2 validation errors detected: a; b');
  });
});

describe('coerceInput', () => {
  it('drops unknown and null members, truncates integers, makes Dates, keeps null list elements', () => {
    const input = coerceInput(swfModel, 'ListOpenWorkflowExecutions', {
      domain: 'd',
      bogus: 1,
      startTimeFilter: { oldestDate: 1700000000.1234, latestDate: null },
      maximumPageSize: 5.7,
      tagFilter: null,
    });
    expect(input).toEqual({
      domain: 'd',
      startTimeFilter: { oldestDate: new Date(1700000000123) },
      maximumPageSize: 5,
    });
    expect(
      coerceInput(swfModel, 'StartWorkflowExecution', {
        domain: 'd',
        workflowId: 'w',
        workflowType: { name: 'n', version: '1' },
        tagList: [null],
      }),
    ).toMatchObject({ tagList: [null] });
  });

  it('applies Smithy defaults on request', () => {
    expect(coerceInput(sfnModel, 'GetExecutionHistory', { executionArn: ARN }, { applyDefaults: true })).toEqual({
      executionArn: ARN,
      maxResults: 0,
      reverseOrder: false,
    });
    expect(coerceInput(sfnModel, 'GetExecutionHistory', { executionArn: ARN })).toEqual({ executionArn: ARN });
  });
});

describe('Java rendering and patterns', () => {
  it.each([
    [1, '1.0'],
    [100.5, '100.5'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [-0, '-0.0'],
  ])('Double.toString(%s) = %s', (x, s) => {
    expect(javaDouble(x)).toBe(s);
  });

  it.each([
    [0.1, '0.1'],
    [101, '101.0'],
    [1 / 3, '0.33333334'],
  ])('Float.toString(%s) = %s', (x, s) => {
    expect(javaFloat(x)).toBe(s);
  });

  it('Date.toString in UTC', () => {
    expect(javaDate(Date.UTC(2026, 10, 23, 12, 6, 23))).toBe('Mon Nov 23 12:06:23 UTC 2026');
  });

  it('compiles every pattern of both models, anchored, with the u flag', () => {
    for (const model of [sfnModel, swfModel]) {
      for (const shape of Object.values(model.shapes)) {
        if (shape.pattern === undefined) continue;
        const re = compileJavaPattern(shape.pattern);
        expect(re.flags).toContain('u');
        expect(re.source.startsWith('^(?:')).toBe(true);
      }
    }
    expect(compileJavaPattern('[!-~]+').test('abc def')).toBe(false);
    expect(compileJavaPattern('[!-~]+').test('abc')).toBe(true);
    expect(compileJavaPattern('\\p{ASCII}*').test('\u{1F600}')).toBe(false);
  });

  it('translates Java-only constructs and refuses unsupported ones', () => {
    expect(compileJavaPattern('\\p{Alpha}+').test('abc')).toBe(true);
    expect(compileJavaPattern('[\\p{Digit}_]++').test('1_2')).toBe(true);
    expect(compileJavaPattern('\\Qa.b\\E').test('a.b')).toBe(true);
    expect(compileJavaPattern('\\Qa.b\\E').test('axb')).toBe(false);
    expect(() => compileJavaPattern('[a-z&&[^b]]')).toThrow(/\[statecraft\]/);
  });

  it('every enum order override is a permutation of the model values', () => {
    for (const [id, order] of Object.entries(ENUM_ORDER)) {
      const [service, shapeName] = id.split('.') as [string, string];
      const values = models[service]?.shapes[shapeName]?.enum;
      expect(values, id).toBeDefined();
      expect([...order].sort()).toEqual([...values!].sort());
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Corpus: every call recorded against AWS. Calls AWS accepted, or rejected with a service error
// (not a Coral constraint message), must pass validation; recorded Coral messages must match exactly.

interface Step {
  call?: string;
  input?: unknown;
  expectError?: { name?: string; message?: string };
}
interface CaseFile {
  names?: Record<string, string>;
  steps?: Step[];
}

const CORAL = /^\d+ validation errors? detected: /;

function listJson(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listJson(path));
    else if (entry.endsWith('.json') && entry !== 'index.json' && entry !== 'checklist.json') out.push(path);
  }
  return out;
}

/** Replaces `{{name:X}}` with a realised name and `{{VAR}}` with a plausible saved value. */
function substitute(value: unknown, names: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{([^}]+)\}\}/g, (_, token: string) => {
      if (token.startsWith('name:')) return (names[token.slice(5)] ?? 'name').replace(/\{uid\}/g, '0a1b2c3d');
      if (/arn$/i.test(token)) return 'arn:aws:states:us-east-1:111111111111:execution:sm-0a1b2c3d:ex-0a1b2c3d';
      if (/name$/i.test(token)) return 'ex-0a1b2c3d';
      return 'AAAAKgAAAAIAAAAAAAAAAQ';
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, names));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, names)]));
  }
  return value;
}

function corpusCalls(service: 'sfn' | 'swf') {
  const dir = join(sharedDir, 'conformance', service);
  const calls: { id: string; call: string; input: unknown; expectError?: Step['expectError'] }[] = [];
  for (const file of listJson(dir)) {
    const data = JSON.parse(readFileSync(file, 'utf8')) as CaseFile;
    (data.steps ?? []).forEach((step, i) => {
      if (!step.call) return;
      calls.push({
        id: `${relative(dir, file)}#${i}`,
        call: step.call,
        input: substitute(step.input ?? {}, data.names ?? {}),
        expectError: step.expectError,
      });
    });
  }
  return calls;
}

describe.skipIf(!hasShared)(`recorded AWS traffic (${sharedDir})`, () => {
  for (const service of ['sfn', 'swf'] as const) {
    it(`${service}: recorded Coral messages match and accepted requests validate`, () => {
      const calls = corpusCalls(service);
      expect(calls.length).toBeGreaterThan(0);
      const mismatches: string[] = [];
      let coral = 0;
      for (const c of calls) {
        const result = validateInput(models[service]!, c.call, c.input);
        const recorded = c.expectError?.message;
        if (c.expectError?.name === 'ValidationException' && recorded && CORAL.test(recorded)) {
          coral++;
          if (result.ok || result.kind !== 'validation' || result.message !== recorded) {
            mismatches.push(`${c.id}: expected ${recorded}, got ${JSON.stringify(result)}`);
          }
        } else if (!result.ok) {
          mismatches.push(`${c.id}: AWS accepted the request shape, got ${JSON.stringify(result)}`);
        }
      }
      expect(mismatches).toEqual([]);
      if (service === 'sfn') expect(coral).toBeGreaterThan(0);
    });
  }

  it('the generated models are up to date with ../shared/models', async () => {
    // The generator is a sibling workspace package (tools/gen-models), imported by path.
    const generator = pathToFileURL(join(repoRoot, 'tools/gen-models/src/gen.ts')).href;
    const { generateAll, outDir } = (await import(generator)) as {
      generateAll(): Map<string, string>;
      outDir: string;
    };
    for (const [file, text] of generateAll()) {
      expect(
        readFileSync(join(outDir, file), 'utf8'),
        `${file}: run node --import tsx tools/gen-models/src/gen.ts`,
      ).toBe(text);
    }
  });
});
