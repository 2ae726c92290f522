/**
 * AWS Step Functions Local's mock configuration (`SFN_MOCK_CONFIG`), read exactly as the JAR reads it,
 * and the invoker that answers mocked Task states.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
 *   "you must specify a mocked response for every invocation"; invocation keys are `"N"` or `"N-M"`,
 *   zero-based; each value holds exactly one of `Return` or `Throw`.
 */
import type { TaskCall, TaskInvoker } from '@statecraft/engine';
import { failed, type IntegrationOutcome, parseServiceResource } from './aws-shapes.js';

/** One outcome of a mocked response. @public */
export type MockedResponseStep =
  | { readonly Return: unknown }
  | { readonly Throw: { readonly Error: string; readonly Cause: string } };

/** The mock configuration file's content. @public */
export interface MockConfig {
  readonly StateMachines: Readonly<
    Record<string, { readonly TestCases: Readonly<Record<string, Readonly<Record<string, string>>>> }>
  >;
  readonly MockedResponses: Readonly<Record<string, Readonly<Record<string, MockedResponseStep>>>>;
}

/** A problem found while loading a mock configuration: where (JSON pointer) and why. @public */
export interface MockConfigProblem {
  readonly pointer: string;
  readonly message: string;
}

/** What the configuration says about one invocation of a Task state. @public */
export type MockLookup =
  | { readonly kind: 'unmocked' }
  | { readonly kind: 'step'; readonly responseName: string; readonly step: MockedResponseStep }
  | { readonly kind: 'missing'; readonly responseName: string };

/** A validated mock configuration. @public */
export interface LoadedMockConfig {
  readonly config: MockConfig;
  /** True when the state machine (by name) has the test case. */
  hasTestCase(stateMachineName: string, testCase: string): boolean;
  /** The mocked outcome of invocation `invocation` (zero-based) of `stateName`. */
  lookup(stateMachineName: string, testCase: string, stateName: string, invocation: number): MockLookup;
}

/** Result of {@link loadMockConfig}: a configuration, or the problems that kept it from loading. @public */
export type MockConfigLoadResult =
  | { readonly ok: true; readonly mocks: LoadedMockConfig }
  | { readonly ok: false; readonly problems: readonly MockConfigProblem[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ptr = (...parts: string[]) => parts.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/**
 * Validates a mock configuration given as an object or as the JSON text of the file.
 * @public
 */
export function loadMockConfig(input: MockConfig | string | unknown): MockConfigLoadResult {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (err) {
      return { ok: false, problems: [{ pointer: '', message: `not valid JSON: ${(err as Error).message}` }] };
    }
  }
  const problems: MockConfigProblem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });
  if (!isObject(raw)) {
    return { ok: false, problems: [{ pointer: '', message: 'the root must be a JSON object' }] };
  }
  const sms = raw.StateMachines;
  const responses = raw.MockedResponses;
  if (!isObject(sms)) add('/StateMachines', 'required: an object mapping state machine names to {"TestCases": {...}}');
  if (!isObject(responses)) add('/MockedResponses', 'required: an object mapping mocked response names to invocations');
  const ranges = new Map<string, { from: number; to: number; step: MockedResponseStep }[]>();
  if (isObject(responses)) {
    for (const [name, byKey] of Object.entries(responses)) {
      if (!isObject(byKey)) {
        add(ptr('MockedResponses', name), 'must be an object mapping invocation numbers ("0", "1-2") to outcomes');
        continue;
      }
      const list: { from: number; to: number; step: MockedResponseStep }[] = [];
      for (const [key, value] of Object.entries(byKey)) {
        const at = ptr('MockedResponses', name, key);
        const m = /^(\d+)(?:-(\d+))?$/.exec(key);
        if (!m) {
          add(at, `invalid invocation key '${key}': use "N" or an inclusive range "N-M" (zero-based)`);
          continue;
        }
        const from = Number(m[1]);
        const to = m[2] === undefined ? from : Number(m[2]);
        if (to < from) {
          add(at, `invalid range '${key}': the end is before the start`);
          continue;
        }
        if (!isObject(value)) {
          add(at, 'must be an object with exactly one of "Return" or "Throw"');
          continue;
        }
        const keys = Object.keys(value);
        if (keys.length !== 1 || (keys[0] !== 'Return' && keys[0] !== 'Throw')) {
          add(
            at,
            `must have exactly one of "Return" or "Throw" (found ${keys.map((k) => `"${k}"`).join(', ') || 'none'})`,
          );
          continue;
        }
        if (keys[0] === 'Throw') {
          const t = value.Throw;
          if (!isObject(t) || typeof t.Error !== 'string' || typeof t.Cause !== 'string') {
            add(`${at}/Throw`, 'must be {"Error": <string>, "Cause": <string>}');
            continue;
          }
          list.push({ from, to, step: { Throw: { Error: t.Error, Cause: t.Cause } } });
        } else {
          list.push({ from, to, step: { Return: value.Return } });
        }
      }
      list.sort((a, b) => a.from - b.from);
      let next = 0;
      for (const r of list) {
        if (r.from !== next) {
          add(
            ptr('MockedResponses', name),
            `invocation keys are not consecutively numbered: expected a key starting at ${next}, found ${r.from === r.to ? r.from : `${r.from}-${r.to}`}`,
          );
          break;
        }
        next = r.to + 1;
      }
      ranges.set(name, list);
    }
  }
  if (isObject(sms)) {
    for (const [smName, sm] of Object.entries(sms)) {
      if (!isObject(sm) || !isObject(sm.TestCases)) {
        add(ptr('StateMachines', smName), 'must be {"TestCases": {<test case>: {<state>: <mocked response>}}}');
        continue;
      }
      for (const [tc, states] of Object.entries(sm.TestCases)) {
        if (!isObject(states)) {
          add(ptr('StateMachines', smName, 'TestCases', tc), 'must map Task state names to mocked response names');
          continue;
        }
        for (const [state, ref] of Object.entries(states)) {
          const at = ptr('StateMachines', smName, 'TestCases', tc, state);
          if (typeof ref !== 'string') add(at, 'must be the name of a mocked response (a string)');
          else if (isObject(responses) && !Object.hasOwn(responses, ref)) {
            add(at, `refers to mocked response '${ref}', which MockedResponses does not define`);
          }
        }
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const config = raw as unknown as MockConfig;
  const testCase = (sm: string, tc: string) => {
    const s = Object.hasOwn(config.StateMachines, sm) ? config.StateMachines[sm] : undefined;
    return s && Object.hasOwn(s.TestCases, tc) ? s.TestCases[tc] : undefined;
  };
  return {
    ok: true,
    mocks: {
      config,
      hasTestCase: (sm, tc) => testCase(sm, tc) !== undefined,
      lookup(sm, tc, stateName, invocation) {
        const states = testCase(sm, tc);
        if (!states || !Object.hasOwn(states, stateName)) return { kind: 'unmocked' };
        const responseName = states[stateName]!;
        const hit = ranges.get(responseName)?.find((r) => invocation >= r.from && invocation <= r.to);
        return hit ? { kind: 'step', responseName, step: hit.step } : { kind: 'missing', responseName };
      },
    },
  };
}

/** Formats load problems for a log line. @public */
export function formatMockConfigProblems(
  problems: readonly MockConfigProblem[],
  source = 'mock configuration',
): string {
  return [
    `[statecraft] Failed to load the Step Functions Local mock configuration ${source}: serving without mocks.`,
    ...problems.map((p) => `  at ${p.pointer || '/'}: ${p.message}`),
  ].join('\n');
}

/** The state machine name of a state machine ARN (`…:stateMachine:<name>[:<version or alias>]`). @internal */
export function stateMachineNameOf(arn: string): string {
  const parts = arn.split(':');
  return parts[6] ?? arn;
}

/**
 * The invoker for mocked Task states. It matches only calls of executions started with a `#TestCase`
 * suffix whose test case maps the state; registered first, it takes precedence over real integrations,
 * and unmapped states fall through to them (Step Functions Local's "hybrid" test cases).
 * @public
 */
export function createMockInvoker(mocks: LoadedMockConfig): TaskInvoker {
  const find = (call: TaskCall) =>
    call.testCase === undefined
      ? ({ kind: 'unmocked' } as const)
      : mocks.lookup(stateMachineNameOf(call.stateMachineArn), call.testCase, call.stateName, call.attempt);
  return {
    name: 'mock-config',
    matches(_resource, call) {
      return call !== undefined && find(call).kind !== 'unmocked';
    },
    async invoke(call): Promise<IntegrationOutcome> {
      const hit = find(call);
      if (/^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(call.resource)) {
        return failed(
          'States.Runtime',
          'Activity state cannot be mocked. Please remove mocks mapped for all activity state in the mock config file.',
        );
      }
      if (hit.kind === 'missing') {
        return failed(
          'States.Runtime',
          `No mocked response is defined for invocation ${call.attempt} of state '${call.stateName}' in test case '${call.testCase}' (mocked response '${hit.responseName}'). A mocked response must be specified for every invocation.`,
        );
      }
      if (hit.kind !== 'step') return failed('States.Runtime', 'The state is not mocked.');
      const resource = parseServiceResource(call.resource);
      const pattern = resource?.pattern ?? 'request-response';
      // `.sync` and `.waitForTaskToken`: the mock is the final outcome; the submission has no mocked response.
      const submitted = pattern === 'request-response' ? {} : { submitted: {} };
      if ('Throw' in hit.step) {
        return { type: 'failed', error: hit.step.Throw.Error, cause: hit.step.Throw.Cause, ...submitted };
      }
      // A direct function ARN's result is the function's payload: a mocked Invoke response
      // ({"StatusCode": 200, "Payload": …}) yields its Payload (recorded); any other value is the payload itself.
      const ret = hit.step.Return;
      if (
        /^arn:[^:]+:lambda:/.test(call.resource) &&
        typeof ret === 'object' &&
        ret !== null &&
        !Array.isArray(ret) &&
        'Payload' in ret
      ) {
        return { type: 'succeeded', output: (ret as { Payload: unknown }).Payload };
      }
      // Map's ItemReader reads `arn:aws:states:::s3:getObject` as the object's body, a string: a mocked body
      // written as JSON (the array a JSON reader would find) is that JSON's text.
      if (
        resource &&
        !resource.sdk &&
        resource.service === 's3' &&
        resource.action === 'getObject' &&
        typeof ret !== 'string'
      ) {
        return { type: 'succeeded', output: JSON.stringify(ret ?? null) };
      }
      return { type: 'succeeded', output: ret, ...submitted };
    },
  };
}
