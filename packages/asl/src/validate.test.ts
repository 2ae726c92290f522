import { describe, expect, it } from 'vitest';
import {
  type Diagnostic,
  invalidDefinitionMessage,
  parseDefinition,
  validateDefinition,
  validateStateDefinition,
} from './index.js';

type Obj = Record<string, unknown>;

/** A one-state machine around `state` (named `S`), plus extra top-level fields. */
function one(state: Obj, top: Obj = {}): string {
  return JSON.stringify({ StartAt: 'S', States: { S: state }, ...top });
}
function machine(states: Obj, top: Obj = {}, startAt = Object.keys(states)[0]): string {
  return JSON.stringify({ StartAt: startAt, States: states, ...top });
}
const pass = (extra: Obj = {}): Obj => ({ Type: 'Pass', End: true, ...extra });
const task = (extra: Obj = {}): Obj => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  End: true,
  ...extra,
});
const jsonata = { QueryLanguage: 'JSONata' };
const branch = (states: Obj, startAt = Object.keys(states)[0]): Obj => ({ StartAt: startAt, States: states });

type Row = readonly [title: string, definition: string, expected: 'OK' | Partial<Diagnostic>[], options?: Obj];

function check(rows: readonly Row[]): void {
  it.each(rows)('%s', (_title, definition, expected, options) => {
    const r = validateDefinition(definition, options as never);
    if (expected === 'OK') {
      expect(r).toEqual({ result: 'OK', diagnostics: [], truncated: false });
    } else {
      expect(r.result).toBe('FAIL');
      expect(r.diagnostics).toEqual(expected.map((d) => expect.objectContaining({ severity: 'ERROR', ...d })));
    }
  });
}

const SCHEMA = 'SCHEMA_VALIDATION_FAILED';

describe('top level', () => {
  check([
    ['minimal machine', one(pass()), 'OK'],
    [
      'all top-level fields',
      one(pass(), { Comment: 'c', Version: '1.0', TimeoutSeconds: 10, QueryLanguage: 'JSONPath' }),
      'OK',
    ],
    ['empty object', '{}', [{ code: SCHEMA, message: 'These fields are required: [States, StartAt]', location: '/' }]],
    [
      'missing StartAt',
      JSON.stringify({ States: { S: pass() } }),
      [{ message: 'These fields are required: [StartAt]', location: '/' }],
    ],
    ['not an object', '[1]', [{ code: SCHEMA, message: 'Definition must be a valid JSON object' }]],
    ['blank', ' ', [{ code: SCHEMA, message: 'Definition must be a valid JSON object' }]],
    ['unknown field', one(pass(), { Foo: 1 }), [{ message: "Field 'Foo' is not supported", location: '/' }]],
    ['bad QueryLanguage', one(pass(), { QueryLanguage: 'XPath' }), [{ location: '/QueryLanguage' }]],
    ['negative TimeoutSeconds', one(pass(), { TimeoutSeconds: -1 }), [{ location: '/TimeoutSeconds' }]],
  ]);
  it('reports invalid JSON with the Jackson location', () => {
    const r = validateDefinition('not a definition');
    expect(r.diagnostics).toEqual([
      {
        severity: 'ERROR',
        code: 'INVALID_JSON_DESCRIPTION',
        location: '[Source: (String)"not a definition"; line: 1, column: 4]',
        message:
          "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]",
      },
    ]);
  });
});

describe('state fields and types', () => {
  check([
    [
      'unknown state type',
      one({ Type: 'Nope', End: true }),
      [
        {
          message:
            "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
          location: '/States/S/Type',
        },
      ],
    ],
    ['missing Type', one({ End: true }), [{ message: 'These fields are required: [Type]', location: '/States/S' }]],
    [
      'unsupported field',
      one(pass({ Resource: 'x' })),
      [{ message: "Field 'Resource' is not supported", location: '/States/S' }],
    ],
    [
      'ResultSelector on Pass',
      one(pass({ ResultSelector: {} })),
      [{ message: "Field 'ResultSelector' is not supported" }],
    ],
    [
      'Task requires Resource',
      one({ Type: 'Task', End: true }),
      [{ message: 'These fields are required: [Resource]', location: '/States/S' }],
    ],
    ['Next and End', machine({ S: pass({ Next: 'T' }), T: pass() }), [{ location: '/States/S' }]],
    ['neither Next nor End', machine({ S: { Type: 'Pass' }, T: pass() }), [{ location: '/States/S' }]],
    ['End on Succeed', one({ Type: 'Succeed', End: true }), [{ message: "Field 'End' is not supported" }]],
    [
      'Next as a number',
      machine({ S: { Type: 'Pass', Next: 1 } }),
      [{ message: 'Expected value of type [STRING]', location: '/States/S/Next' }],
    ],
    ['state name of 80 chars', machine({ ['x'.repeat(80)]: pass() }), 'OK'],
    ['state name of 81 chars', machine({ ['x'.repeat(81)]: pass() }), [{ code: 'INVALID_STATE_NAME' }]],
    [
      'duplicate state name across a branch',
      machine({ P: { Type: 'Parallel', Branches: [branch({ P: pass() })], End: true } }),
      [{ code: 'DUPLICATE_STATE_NAME', message: 'Duplicate State name: P' }],
    ],
  ]);
});

describe('query languages', () => {
  check([
    ['JSONata machine', one({ Type: 'Pass', Output: '{% $states.input %}', End: true }, jsonata), 'OK'],
    [
      'JSONPath state in a JSONata machine',
      one(pass({ QueryLanguage: 'JSONPath' }), jsonata),
      [
        {
          message: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
          location: '/States/S',
        },
      ],
    ],
    ['JSONata state in a JSONPath machine', one({ ...pass(), ...jsonata, Output: 1 }), 'OK'],
    [
      'JSONPath-only field in a JSONata state',
      one(pass({ InputPath: '$' }), jsonata),
      [
        {
          message:
            "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage",
          location: '/States/S',
        },
      ],
    ],
    [
      'JSONata-only field in a JSONPath state',
      one(pass({ Output: {} })),
      [
        {
          message:
            "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
          location: '/States/S',
        },
      ],
    ],
    [
      'QueryLanguage on an ItemProcessor',
      one({ Type: 'Map', ItemProcessor: { ...branch({ I: pass() }), QueryLanguage: 'JSONata' }, End: true }),
      [{ message: "Field 'QueryLanguage' is not supported", location: '/States/S/ItemProcessor' }],
    ],
  ]);
});

describe('transitions and graph', () => {
  check([
    ['Next target exists', machine({ A: pass({ End: undefined, Next: 'B' }), B: pass() }), 'OK'],
    [
      'missing Next target',
      machine({ A: { Type: 'Pass', Next: 'NOPE' }, B: pass() }, {}, 'A'),
      [
        { code: 'MISSING_TRANSITION_TARGET', message: "Missing 'Next' target: NOPE", location: '/States/A/Next' },
        { code: 'MISSING_TRANSITION_TARGET', message: 'State "B" is not reachable.', location: '/States/B' },
      ],
    ],
    [
      'missing Next and no terminal',
      machine({ A: { Type: 'Pass', Next: 'NOPE' } }),
      [
        { code: 'MISSING_TRANSITION_TARGET', location: '/States/A/Next' },
        { code: 'MISSING_END_STATE', message: 'Workflow has no terminal state' },
      ],
    ],
    [
      'missing StartAt target',
      machine({ A: pass() }, {}, 'Z'),
      [
        { code: 'MISSING_TRANSITION_TARGET', message: "Missing 'Next' target: Z", location: '/StartAt' },
        { message: 'State "A" is not reachable.' },
      ],
    ],
    [
      'unreachable state',
      machine({ A: pass(), B: pass() }),
      [{ code: 'MISSING_TRANSITION_TARGET', message: 'State "B" is not reachable.', location: '/States/B' }],
    ],
    [
      'loop without terminal state',
      machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } }),
      [{ code: 'MISSING_END_STATE' }],
    ],
    [
      'Catch and Default targets',
      machine({
        C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'T' }], Default: 'T' },
        T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }] }),
        F: { Type: 'Fail' },
      }),
      'OK',
    ],
    [
      'dangling Default',
      machine({
        C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'T' }], Default: 'X' },
        T: pass(),
      }),
      [{ message: "Missing 'Next' target: X", location: '/States/C/Default' }],
    ],
    [
      'dangling catcher',
      machine({ T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'X' }] }) }),
      [{ location: '/States/T/Catch[0]/Next' }],
    ],
    [
      'transition out of a branch',
      machine({
        P: { Type: 'Parallel', Branches: [branch({ B: { Type: 'Pass', Next: 'Q' } })], Next: 'Q' },
        Q: pass(),
      }),
      [
        { code: 'MISSING_TRANSITION_TARGET', location: '/States/P/Branches[0]/States/B/Next' },
        { code: 'MISSING_END_STATE' },
      ],
    ],
    [
      'schema errors suppress the graph phase',
      JSON.stringify({ States: { A: pass() } }),
      [{ message: 'These fields are required: [StartAt]' }],
    ],
  ]);
  it('renders the InvalidDefinition message like AWS', () => {
    const r = validateDefinition(machine({ pass1: { Type: 'Pass', Next: 'pass3' }, pass2: pass() }));
    expect(invalidDefinitionMessage(r.diagnostics)).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2'",
    );
    expect(
      invalidDefinitionMessage([
        { severity: 'ERROR', code: 'MISSING_END_STATE', message: 'Workflow has no terminal state' },
      ]),
    ).toBe("Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'");
  });
});

describe('Task', () => {
  check([
    ['Lambda ARN with alias', one(task({ Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f:prod' })), 'OK'],
    ['activity ARN', one(task({ Resource: 'arn:aws:states:us-east-1:123456789012:activity:a' })), 'OK'],
    [
      'not an ARN',
      one(task({ Resource: 'foo:bar' })),
      [{ message: 'Value is not a valid resource ARN', location: '/States/S/Resource' }],
    ],
    [
      'empty service in ARN',
      one(task({ Resource: 'arn:aws::lambda:us-east-1:1:function:f' })),
      [{ message: 'Value is not a valid resource ARN' }],
    ],
    [
      'bad Lambda qualifier',
      one(task({ Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f:' })),
      [{ message: 'Value is not a valid resource ARN' }],
    ],
    ['timeouts', one(task({ TimeoutSeconds: 10, HeartbeatSeconds: 5 })), 'OK'],
    ['zero TimeoutSeconds', one(task({ TimeoutSeconds: 0 })), [{ location: '/States/S/TimeoutSeconds' }]],
    [
      'TimeoutSeconds and TimeoutSecondsPath',
      one(task({ TimeoutSeconds: 1, TimeoutSecondsPath: '$.t' })),
      [{ message: 'These fields are mutually exclusive: [TimeoutSeconds, TimeoutSecondsPath]' }],
    ],
    ['JSONata timeout expression', one(task({ TimeoutSeconds: '{% $states.input.t %}' }), jsonata), 'OK'],
    ['Credentials with RoleArn', one(task({ Credentials: { RoleArn: 'arn:aws:iam::1:role/r' } })), 'OK'],
    ['Credentials with RoleArn.$', one(task({ Credentials: { 'RoleArn.$': '$.role' } })), 'OK'],
    [
      'Credentials without RoleArn',
      one(task({ Credentials: {} })),
      [{ message: "The field 'RoleArn' is required but was missing", location: '/States/S/Credentials' }],
    ],
    ['Credentials null', one(task({ Credentials: null })), [{ location: '/States/S/Credentials' }]],
  ]);
});

describe('EXPRESS restrictions', () => {
  const express = { type: 'EXPRESS' };
  check([
    ['request-response in EXPRESS', one(task()), 'OK', express],
    ['.sync in STANDARD', one(task({ Resource: 'arn:aws:states:::states:startExecution.sync' })), 'OK'],
    [
      '.sync in EXPRESS',
      one(task({ Resource: 'arn:aws:states:::states:startExecution.sync:2' })),
      [
        {
          message: "Express state machine does not support '.sync' service integration",
          location: '/States/S/Resource',
        },
      ],
      express,
    ],
    [
      '.waitForTaskToken in EXPRESS',
      one(task({ Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' })),
      [{ message: "Express state machine does not support '.waitForTaskToken' service integration " }],
      express,
    ],
    [
      'activity in EXPRESS',
      one(task({ Resource: 'arn:aws:states:us-east-1:111111111111:activity:a' })),
      [{ message: 'Express state machine does not support Activity ARN' }],
      express,
    ],
  ]);
});

describe('Retry and Catch', () => {
  check([
    [
      'full retrier',
      one(
        task({
          Retry: [
            {
              ErrorEquals: ['States.Timeout'],
              IntervalSeconds: 1,
              MaxAttempts: 0,
              BackoffRate: 1.5,
              MaxDelaySeconds: 10,
              JitterStrategy: 'FULL',
              Comment: 'c',
            },
            { ErrorEquals: ['States.ALL'] },
          ],
        }),
      ),
      'OK',
    ],
    [
      'empty ErrorEquals',
      one(task({ Retry: [{ ErrorEquals: [] }] })),
      [{ message: 'Value cannot be empty', location: '/States/S/Retry[0]/ErrorEquals' }],
    ],
    [
      'States.ALL not alone',
      one(task({ Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] })),
      [{ location: '/States/S/Retry[0]/ErrorEquals' }],
    ],
    [
      'States.ALL not last',
      one(task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] })),
      [{ location: '/States/S/Retry[0]/ErrorEquals' }],
    ],
    [
      'unknown States error',
      one(task({ Retry: [{ ErrorEquals: ['States.Nope'] }] })),
      [{ location: '/States/S/Retry[0]/ErrorEquals[0]' }],
    ],
    ['custom error names', one(task({ Retry: [{ ErrorEquals: ['Lambda.ServiceException', 'MyError'] }] })), 'OK'],
    [
      'BackoffRate below 1',
      one(task({ Retry: [{ ErrorEquals: ['X'], BackoffRate: 0.5 }] })),
      [{ location: '/States/S/Retry[0]/BackoffRate' }],
    ],
    [
      'negative MaxAttempts',
      one(task({ Retry: [{ ErrorEquals: ['X'], MaxAttempts: -1 }] })),
      [{ location: '/States/S/Retry[0]/MaxAttempts' }],
    ],
    [
      'MaxDelaySeconds too large',
      one(task({ Retry: [{ ErrorEquals: ['X'], MaxDelaySeconds: 31622401 }] })),
      [{ location: '/States/S/Retry[0]/MaxDelaySeconds' }],
    ],
    [
      'bad JitterStrategy',
      one(task({ Retry: [{ ErrorEquals: ['X'], JitterStrategy: 'PARTIAL' }] })),
      [{ location: '/States/S/Retry[0]/JitterStrategy' }],
    ],
    [
      'unknown retrier field',
      one(task({ Retry: [{ ErrorEquals: ['X'], Foo: 1 }] })),
      [{ message: "Field 'Foo' is not supported", location: '/States/S/Retry[0]' }],
    ],
    [
      'catcher without Next',
      one(task({ Catch: [{ ErrorEquals: ['X'] }] })),
      [{ message: "The field 'Next' is required but was missing", location: '/States/S/Catch[0]' }],
    ],
    [
      'JSONata catcher Output',
      machine(
        {
          S: task({ Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Next: 'F' }] }),
          F: { Type: 'Fail' },
        },
        jsonata,
      ),
      'OK',
    ],
    [
      'catcher ResultPath in JSONata',
      machine(
        { S: task({ Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.e', Next: 'F' }] }), F: { Type: 'Fail' } },
        jsonata,
      ),
      [{ location: '/States/S/Catch[0]' }],
    ],
  ]);
});

describe('Choice', () => {
  const choice = (rules: unknown[], extra: Obj = {}) =>
    machine({ C: { Type: 'Choice', Choices: rules, Default: 'D', ...extra }, D: pass() });
  check([
    [
      'data-test rules',
      choice([
        { Variable: '$.a', StringEquals: 'x', Next: 'D' },
        { Variable: '$$.Execution.Id', IsPresent: true, Next: 'D' },
        { Variable: '$v', NumericGreaterThanPath: '$.b', Next: 'D' },
      ]),
      'OK',
    ],
    [
      'boolean combinators',
      choice([
        {
          And: [
            { Variable: '$.a', BooleanEquals: true },
            { Not: { Variable: '$.b', TimestampEquals: '2016-03-14T01:59:00Z' } },
          ],
          Next: 'D',
        },
      ]),
      'OK',
    ],
    ['empty Choices', choice([]), [{ message: 'Value cannot be empty', location: '/States/C/Choices' }]],
    [
      'rule with End',
      choice([{ Variable: '$.a', IsNull: true, End: true }]),
      [{ message: "Field 'End' is not supported" }, { message: "The field 'Next' is required but was missing" }],
    ],
    [
      'intrinsic as Variable',
      choice([{ Variable: 'States.Array($.a)', IsNull: true, Next: 'D' }]),
      [{ location: '/States/C/Choices[0]/Variable' }],
    ],
    [
      'wrong operand type',
      choice([{ Variable: '$.a', NumericEquals: '1', Next: 'D' }]),
      [{ location: '/States/C/Choices[0]/NumericEquals' }],
    ],
    [
      'bad timestamp operand',
      choice([{ Variable: '$.a', TimestampEquals: 'yesterday', Next: 'D' }]),
      [{ message: 'String does not match RFC3339 timestamp' }],
    ],
    [
      'two operators',
      choice([{ Variable: '$.a', IsNull: true, IsString: true, Next: 'D' }]),
      [{ location: '/States/C/Choices[0]' }],
    ],
    [
      'Next inside a nested rule',
      choice([{ Not: { Variable: '$.a', IsNull: true, Next: 'D' }, Next: 'D' }]),
      [{ message: "Field 'Next' is not supported", location: '/States/C/Choices[0]/Not' }],
    ],
    ['JSONata Condition', choice([{ Condition: '{% $states.input.a > 1 %}', Next: 'D' }], jsonata), 'OK'],
    [
      'JSONata rule without Condition',
      choice([{ Next: 'D' }], jsonata),
      [{ message: 'These fields are required: [Condition]' }],
    ],
    [
      'Next on a Choice state',
      choice([{ Variable: '$.a', IsNull: true, Next: 'D' }], { Next: 'D' }),
      [{ message: "Field 'Next' is not supported" }],
    ],
  ]);
});

describe('Wait', () => {
  const wait = (extra: Obj, top: Obj = {}) => one({ Type: 'Wait', End: true, ...extra }, top);
  check([
    ['Seconds', wait({ Seconds: 0 }), 'OK'],
    ['Timestamp with fraction', wait({ Timestamp: '2016-03-14T01:59:00.000000Z' }), 'OK'],
    ['Timestamp with offset', wait({ Timestamp: '2016-03-14T01:59:00+02:00' }), 'OK'],
    [
      'Timestamp without offset',
      wait({ Timestamp: '2016-12-05T21:29:29' }),
      [{ message: 'String does not match RFC3339 timestamp', location: '/States/S/Timestamp' }],
    ],
    [
      'Timestamp with a space',
      wait({ Timestamp: '2016-12-05 21:29:29Z' }),
      [{ message: 'String does not match RFC3339 timestamp' }],
    ],
    [
      'Timestamp month 13',
      wait({ Timestamp: '2016-13-05T21:29:29Z' }),
      [{ message: 'String does not match RFC3339 timestamp' }],
    ],
    [
      'Timestamp expression in a JSONPath state',
      wait({ Timestamp: "{% '2016-03-14T01:59:00Z' %}" }),
      [{ message: 'String does not match RFC3339 timestamp' }],
    ],
    ['Timestamp expression in a JSONata state', wait({ Timestamp: "{% '2016-03-14T01:59:00Z' %}" }, jsonata), 'OK'],
    ['SecondsPath', wait({ SecondsPath: '$.s' }), 'OK'],
    ['negative Seconds', wait({ Seconds: -1 }), [{ location: '/States/S/Seconds' }]],
    ['no duration', wait({}), [{ location: '/States/S' }]],
    [
      'Seconds and SecondsPath',
      wait({ Seconds: 1, SecondsPath: '$.s' }),
      [{ message: 'These fields are mutually exclusive: [Seconds, SecondsPath]' }],
    ],
  ]);
});

describe('Fail and Succeed', () => {
  check([
    ['Fail with paths', one({ Type: 'Fail', ErrorPath: '$.e', CausePath: "States.Format('{}', $.c)" }), 'OK'],
    ['Fail with literal fields', one({ Type: 'Fail', Error: 'E', Cause: 'C' }), 'OK'],
    [
      'Fail with Error and ErrorPath',
      one({ Type: 'Fail', Error: 'E', ErrorPath: '$.e' }),
      [{ message: 'These fields are mutually exclusive: [Error, ErrorPath]' }],
    ],
    ['Fail with a bad CausePath', one({ Type: 'Fail', CausePath: 'cause' }), [{ location: '/States/S/CausePath' }]],
    ['Fail with InputPath', one({ Type: 'Fail', InputPath: '$' }), [{ message: "Field 'InputPath' is not supported" }]],
    ['Succeed with Output in JSONata', one({ Type: 'Succeed', Output: '{% $states.input %}' }, jsonata), 'OK'],
  ]);
});

describe('Parallel and Map', () => {
  const map = (extra: Obj, top: Obj = {}) =>
    one({ Type: 'Map', ItemProcessor: branch({ I: pass() }), End: true, ...extra }, top);
  check([
    ['Parallel', one({ Type: 'Parallel', Branches: [branch({ A: pass() }), branch({ B: pass() })], End: true }), 'OK'],
    [
      'empty Branches',
      one({ Type: 'Parallel', Branches: [], End: true }),
      [{ message: 'Value cannot be empty', location: '/States/S/Branches' }],
    ],
    [
      'branch is not an object',
      one({ Type: 'Parallel', Branches: [[]], End: true }),
      [{ location: '/States/S/Branches[0]' }],
    ],
    [
      'branch without StartAt',
      one({ Type: 'Parallel', Branches: [{ States: { A: pass() } }], End: true }),
      [{ message: 'These fields are required: [StartAt]', location: '/States/S/Branches[0]' }],
    ],
    [
      'nested branch has no terminal state',
      one({ Type: 'Parallel', Branches: [branch({ A: { Type: 'Pass', Next: 'A' } })], End: true }),
      [{ code: 'MISSING_END_STATE' }],
    ],
    [
      'inline Map',
      map({ ItemsPath: '$.items', MaxConcurrency: 2, ItemSelector: { 'v.$': '$$.Map.Item.Value' } }),
      'OK',
    ],
    [
      'legacy Iterator and Parameters',
      one({ Type: 'Map', Iterator: branch({ I: pass() }), Parameters: { 'v.$': '$$.Map.Item.Value' }, End: true }),
      'OK',
    ],
    [
      'Map without processor',
      one({ Type: 'Map', End: true }),
      [{ message: 'These fields are required: [ItemProcessor]' }],
    ],
    [
      'ItemProcessor and Iterator',
      map({ Iterator: branch({ J: pass() }) }),
      [{ message: 'These fields are mutually exclusive: [ItemProcessor, Iterator]' }],
    ],
    ['ItemsPath null', map({ ItemsPath: null }), [{ location: '/States/S/ItemsPath' }]],
    [
      'ToleratedFailurePercentage above 100',
      map({ ToleratedFailurePercentage: 101 }),
      [{ location: '/States/S/ToleratedFailurePercentage' }],
    ],
    ['JSONata Items', map({ Items: '{% $states.input.items %}' }, jsonata), 'OK'],
    ['ItemsPath in JSONata', map({ ItemsPath: '$.items' }, jsonata), [{ location: '/States/S' }]],
    [
      'distributed Map with reader, batcher and writer',
      map({
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, ...branch({ I: pass() }) },
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 10 },
          Parameters: { Bucket: 'b', Key: 'k' },
        },
        ItemBatcher: { MaxItemsPerBatch: 10, BatchInput: { 'x.$': '$.x' } },
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b', Prefix: 'p' } },
        Label: 'label',
        ToleratedFailureCount: 1,
      }),
      'OK',
    ],
    [
      'bad ItemReader resource',
      map({ ItemReader: { Resource: 'arn:aws:states:::s3:putObject' } }),
      [{ location: '/States/S/ItemReader/Resource' }],
    ],
    [
      'MaxItems and MaxItemsPath',
      map({
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { MaxItems: 1, MaxItemsPath: '$.m' } },
      }),
      [{ location: '/States/S/ItemReader/ReaderConfig' }],
    ],
    ['Label too long', map({ Label: 'x'.repeat(41) }), [{ location: '/States/S/Label' }]],
    ['Label empty', map({ Label: '' }), [{ location: '/States/S/Label' }]],
    [
      'distributed Map in EXPRESS',
      map({ ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, ...branch({ I: pass() }) } }),
      [{ location: '/States/S/ItemProcessor/ProcessorConfig/Mode' }],
      { type: 'EXPRESS' },
    ],
  ]);
});

describe('paths, payload templates and intrinsic functions', () => {
  check([
    [
      'paths',
      one(
        pass({
          InputPath: "$.a['b c'][0]",
          OutputPath: null,
          ResultPath: '$.r',
          Parameters: { 'all.$': '$..x', 'f.$': '$.a[?(@.b > 1)]', 'ctx.$': '$$.Execution.Id', 'v.$': '$myVar.x' },
        }),
      ),
      'OK',
    ],
    [
      'InputPath without $',
      one(pass({ InputPath: 'a.b' })),
      [{ message: "The value for the field 'InputPath' must be a valid JSONPath", location: '/States/S/InputPath' }],
    ],
    [
      'ResultPath with a wildcard',
      one(pass({ ResultPath: '$.a[*]' })),
      [{ message: "The value for the field 'ResultPath' must be a valid Reference Path" }],
    ],
    ['ResultPath with a variable', one(pass({ ResultPath: '$v' })), [{ location: '/States/S/ResultPath' }]],
    ['ResultPath with the context', one(pass({ ResultPath: '$$.Execution' })), [{ location: '/States/S/ResultPath' }]],
    [
      '.$ value that is not a path',
      one(pass({ Parameters: { 'a.$': 'hello' } })),
      [
        {
          message: "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call",
          location: '/States/S/Parameters/a.$',
        },
      ],
    ],
    [
      '.$ value that is a number',
      one(pass({ Parameters: { nested: [{ 'a.$': 1 }] } })),
      [{ location: '/States/S/Parameters/nested[0]/a.$' }],
    ],
    ['key collision', one(pass({ Parameters: { a: 1, 'a.$': '$.a' } })), [{ location: '/States/S/Parameters/a.$' }]],
    ['Result is literal', one(pass({ Result: { 'a.$': 'not evaluated' } })), 'OK'],
    [
      'all 18 intrinsics',
      one(
        pass({
          Parameters: {
            'a.$': "States.Format('{} \\'x\\' {}', $.a, States.Array(1, 'b', null, true))",
            'b.$': 'States.StringToJson($.s)',
            'c.$': 'States.JsonToString($.o)',
            'd.$': 'States.ArrayPartition($.a, 2)',
            'e.$': 'States.ArrayContains($.a, $.v)',
            'f.$': 'States.ArrayRange(0, 9, 3)',
            'g.$': 'States.ArrayGetItem($.a, 0)',
            'h.$': 'States.ArrayLength($.a)',
            'i.$': 'States.ArrayUnique($.a)',
            'j.$': "States.Base64Encode('x')",
            'k.$': 'States.Base64Decode($.b)',
            'l.$': "States.Hash($.d, 'SHA-256')",
            'm.$': 'States.JsonMerge($.a, $.b, false)',
            'n.$': 'States.MathRandom(1, 10, $.seed)',
            'o.$': 'States.MathAdd($.a, -1.5)',
            'p.$': "States.StringSplit($.s, ',')",
            'q.$': 'States.UUID()',
            'r.$': 'States.Array()',
          },
        }),
      ),
      'OK',
    ],
    [
      'unknown intrinsic',
      one(pass({ Parameters: { 'a.$': 'States.Nope($.a)' } })),
      [{ location: '/States/S/Parameters/a.$' }],
    ],
    [
      'wrong arity',
      one(pass({ Parameters: { 'a.$': 'States.MathAdd($.a)' } })),
      [{ location: '/States/S/Parameters/a.$' }],
    ],
    [
      'string where a number is needed',
      one(pass({ Parameters: { 'a.$': "States.MathAdd($.a, '-1')" } })),
      [{ location: '/States/S/Parameters/a.$' }],
    ],
    [
      'leading space before a call',
      one(pass({ Parameters: { 'a.$': ' States.UUID()' } })),
      [{ location: '/States/S/Parameters/a.$' }],
    ],
    [
      'bad escape in a string literal',
      one(pass({ Parameters: { 'a.$': "States.Format('\\x')" } })),
      [{ location: '/States/S/Parameters/a.$' }],
    ],
  ]);
});

describe('variables and JSONata', () => {
  check([
    [
      'JSONPath Assign',
      one(pass({ Assign: { x: 1, 'y.$': '$.y', 'z.$': 'States.UUID()', nested: { 'w.$': '$.w' } } })),
      'OK',
    ],
    ['JSONata Assign', one(pass({ Assign: { x: '{% $states.input.x %}', y: [1, '{% 2 %}'] } }), jsonata), 'OK'],
    ['reserved variable name', one(pass({ Assign: { states: 1 } })), [{ location: '/States/S/Assign/states' }]],
    ['bad variable name', one(pass({ Assign: { 'a.b': 1 } })), [{ location: '/States/S/Assign/a.b' }]],
    ['Assign on Succeed', one({ Type: 'Succeed', Assign: {} }), [{ message: "Field 'Assign' is not supported" }]],
    [
      'JSONata syntax error',
      one(pass({ Output: '{% 1 + %}' }), jsonata),
      [{ code: 'INVALID_JSONATA_EXPRESSION', message: 'Unexpected end of expression', location: '/States/S/Output' }],
    ],
    [
      'JSONata top-level reference',
      one(pass({ Output: { v: '{% phone %}' } }), jsonata),
      [
        {
          code: 'UNSUPPORTED_JSONATA_EXPRESSION',
          message: "Reference to 'phone' at the top level is not supported.",
          location: '/States/S/Output/v',
        },
      ],
    ],
    [
      'JSONata relative names are fine',
      one(pass({ Output: '{% $states.input.items[price > 5].{"n": name} %}' }), jsonata),
      'OK',
    ],
    [
      'JSONata $$',
      one(pass({ Output: '{% $$ %}' }), jsonata),
      [{ code: 'UNSUPPORTED_JSONATA_EXPRESSION', message: "Reference to '$$' is not supported." }],
    ],
    ['not an expression: a literal', one(pass({ Output: ' {% 1 + %}' }), jsonata), 'OK'],
    ['expression strings in a JSONPath state are literals', one(pass({ Result: '{% 1 + %}' })), 'OK'],
    ['Comment is never parsed', one(pass({ Comment: '{% 1 + %}' }), jsonata), 'OK'],
  ]);
});

describe('options and parseDefinition', () => {
  it('filters warnings by severity and truncates', () => {
    const def = one(pass({ Parameters: { a: '$.a', b: '$.b' }, InputPath: 'x', OutputPath: 'y', ResultPath: 'z' }));
    const errorsOnly = validateDefinition(def);
    expect(errorsOnly.diagnostics.every((d) => d.severity === 'ERROR')).toBe(true);
    const all = validateDefinition(def, { severity: 'WARNING' });
    expect(all.diagnostics.some((d) => d.code === 'NO_DOLLAR')).toBe(true);
    const two = validateDefinition(def, { severity: 'WARNING', maxResults: 2 });
    expect(two).toMatchObject({ result: 'FAIL', truncated: true });
    expect(two.diagnostics).toHaveLength(2);
  });
  it('warnings alone do not fail', () => {
    const r = validateDefinition(one(pass({ Parameters: { a: '$.a' } })), { severity: 'WARNING' });
    expect(r.result).toBe('OK');
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'WARNING', code: 'NO_DOLLAR' })]);
  });
  it('returns a frozen typed model for a valid definition', () => {
    const r = parseDefinition(machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } }));
    expect(r.diagnostics).toEqual([]);
    expect(r.definition?.StartAt).toBe('A');
    expect(r.definition?.States.A?.Type).toBe('Pass');
    expect(Object.isFrozen(r.definition)).toBe(true);
    expect(Object.isFrozen(r.definition?.States.A)).toBe(true);
  });
  it('returns no model for an invalid definition', () => {
    const r = parseDefinition('{');
    expect(r.definition).toBeUndefined();
    expect(r.diagnostics[0]?.code).toBe('INVALID_JSON_DESCRIPTION');
  });
  it('applies EXPRESS restrictions when asked', () => {
    const def = one(task({ Resource: 'arn:aws:states:::states:startExecution.sync' }));
    expect(parseDefinition(def).definition).toBeDefined();
    expect(parseDefinition(def, { type: 'EXPRESS' }).definition).toBeUndefined();
  });
});

describe('validateStateDefinition (TestState)', () => {
  it('reports locations under /States/StateName', () => {
    expect(validateStateDefinition(JSON.stringify({ Type: 'Parallel', Branches: [], End: true })).diagnostics).toEqual([
      { severity: 'ERROR', code: SCHEMA, message: 'Value cannot be empty', location: '/States/StateName/Branches' },
    ]);
  });
  it('accepts a Next that names a state outside the definition', () => {
    expect(validateStateDefinition(JSON.stringify({ Type: 'Pass', Next: 'Elsewhere' })).result).toBe('OK');
  });
  it('uses the given state name and still checks nested graphs', () => {
    const r = validateStateDefinition(
      JSON.stringify({ Type: 'Parallel', Branches: [branch({ B: { Type: 'Pass', Next: 'X' } })], End: true }),
      { stateName: 'P' },
    );
    expect(r.diagnostics[0]).toMatchObject({
      code: 'MISSING_TRANSITION_TARGET',
      location: '/States/P/Branches[0]/States/B/Next',
    });
  });
});
