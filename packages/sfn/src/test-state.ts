/**
 * TestState: runs one state without a state machine or history (MOCKING.md §5). This layer checks the
 * request the way AWS does (definition, state name, mock rules, mock result shape) and hands the run to the
 * interpreter's `testState`, with the invoker registry standing in for the service when there is no mock.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_TestState.html
 */
import { invalidDefinitionMessage, validateDefinition } from '@statecraft/asl';
import type { Operation, TaskCall } from '@statecraft/engine';
import { AwsServiceError } from '@statecraft/engine';
import { testState } from '@statecraft/interpreter';
import { randomId, type SfnContext, str, validation } from './context.js';
import { parseExecutionInput } from './definitions.js';
import { validateMockResult } from './mock-shapes.js';

type Obj = Record<string, unknown>;

const WRAPPED_NAME = 'StateName';

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Finds a state by name at any depth (top level first). */
function findState(states: unknown, name: string): Obj | undefined {
  if (!isObject(states)) return undefined;
  const direct = states[name];
  if (isObject(direct)) return direct;
  for (const s of Object.values(states)) {
    if (!isObject(s)) continue;
    const scopes: unknown[] = [];
    if (isObject(s.ItemProcessor)) scopes.push(s.ItemProcessor);
    if (isObject(s.Iterator)) scopes.push(s.Iterator);
    if (Array.isArray(s.Branches)) scopes.push(...s.Branches);
    for (const scope of scopes) {
      const found = isObject(scope) ? findState(scope.States, name) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function invalidDefinition(message: string): AwsServiceError {
  return new AwsServiceError('InvalidDefinition', message);
}

/** Validates a single state the way TestState reports it: inside `{"States": {"StateName": …}}`. */
function validateState(state: Obj, queryLanguage: unknown): void {
  const copy: Obj = { ...state };
  // Transitions point outside the wrapper: any target is fine here.
  const targets = new Set<string>();
  const collect = (v: unknown) => {
    if (typeof v === 'string') targets.add(v);
  };
  collect(copy.Next);
  collect(copy.Default);
  for (const c of Array.isArray(copy.Choices) ? copy.Choices : []) if (isObject(c)) collect(c.Next);
  for (const c of Array.isArray(copy.Catch) ? copy.Catch : []) if (isObject(c)) collect(c.Next);
  const states: Obj = { [WRAPPED_NAME]: copy };
  for (const t of targets) if (t !== WRAPPED_NAME) states[t] = { Type: 'Succeed' };
  const wrapper: Obj = {
    StartAt: WRAPPED_NAME,
    States: states,
    ...(queryLanguage !== undefined ? { QueryLanguage: queryLanguage } : {}),
  };
  const { diagnostics } = validateDefinition(JSON.stringify(wrapper));
  const errors = diagnostics.filter(
    (d) => d.severity === 'ERROR' && d.code !== 'MISSING_TRANSITION_TARGET' && !/is not reachable/.test(d.message),
  );
  if (errors.length > 0) throw invalidDefinition(invalidDefinitionMessage(errors));
}

/** @internal */
export function testStateOperation(ctx: SfnContext): Operation {
  return async (input, rc) => {
    const definitionText = str(input, 'definition') ?? '';
    const stateName = str(input, 'stateName');
    const roleArn = str(input, 'roleArn');
    const inputText = str(input, 'input') ?? '{}';
    const inspectionLevel = (str(input, 'inspectionLevel') ?? 'INFO') as 'INFO' | 'DEBUG' | 'TRACE';
    const variables = str(input, 'variables');
    const mock = isObject(input.mock) ? (input.mock as Obj) : undefined;
    const config = isObject(input.stateConfiguration) ? (input.stateConfiguration as Obj) : {};
    const revealSecrets = input.revealSecrets === true;

    let root: unknown;
    try {
      root = JSON.parse(definitionText);
    } catch {
      const { diagnostics } = validateDefinition(definitionText);
      throw invalidDefinition(invalidDefinitionMessage(diagnostics));
    }
    if (!isObject(root)) {
      const { diagnostics } = validateDefinition(definitionText);
      throw invalidDefinition(invalidDefinitionMessage(diagnostics));
    }

    // The state under test, and the query language it inherits.
    let state: Obj;
    let queryLanguage: unknown;
    if (stateName !== undefined) {
      const found = findState(root.States, stateName);
      if (!found) throw validation('State not found in definition');
      const { diagnostics } = validateDefinition(definitionText);
      const errors = diagnostics.filter((d) => d.severity === 'ERROR');
      if (errors.length > 0) throw invalidDefinition(invalidDefinitionMessage(errors));
      state = found;
      queryLanguage = root.QueryLanguage;
    } else {
      state = root;
      validateState(state, undefined);
    }
    const type = String(state.Type);
    const ql = state.QueryLanguage ?? queryLanguage;

    // Mock rules (MOCKING.md §5.2).
    const hasResult = mock !== undefined && mock.result !== undefined;
    const hasError = mock !== undefined && mock.errorOutput !== undefined;
    if (hasResult && hasError) {
      throw validation('A test mock should have only one of the following fields: [result, errorOutput].');
    }
    const mocked = hasResult || hasError;
    if (mocked && revealSecrets) throw validation('TestState does not support RevealSecrets when a mock is specified.');
    if (mocked && type !== 'Task' && type !== 'Map' && type !== 'Parallel') {
      throw validation(`State type '${type}' is not supported when a mock is specified`);
    }
    const failureCount =
      typeof config.mapIterationFailureCount === 'number' ? config.mapIterationFailureCount : undefined;
    if (failureCount !== undefined && !mocked) {
      throw validation('TestState does not support MapIterationFailureCount when a mock is not specified.');
    }
    if (!mocked && (type === 'Map' || type === 'Parallel')) {
      throw invalidDefinition(
        'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
      );
    }
    if (type === 'Task' && !mocked && roleArn === undefined) {
      throw validation('RoleArn must be specified when testing a Task state');
    }
    if (str(input, 'context') !== undefined && !mocked) {
      throw validation('Invalid Context object provided: a Context object can only be provided together with a mock');
    }
    parseExecutionInput(inputText);

    let mockValue: unknown;
    if (hasResult) {
      const text = String(mock!.result);
      try {
        mockValue = JSON.parse(text);
      } catch {
        throw validation('Mocked result must be valid JSON');
      }
      if (type === 'Map') {
        if (state.ResultWriter !== undefined) {
          if (!isObject(mockValue)) throw validation('Mocked result must be a JSON object.');
        } else if (!Array.isArray(mockValue)) {
          throw validation('Mocked result must be an array.');
        }
        if (failureCount !== undefined && Array.isArray(mockValue) && failureCount > mockValue.length) {
          throw validation('Map iteration failure count must be less than or equal to the number of Map iterations');
        }
      } else if (type === 'Parallel') {
        if (!Array.isArray(mockValue)) throw validation('Mocked result must be an array.');
        const branches = Array.isArray(state.Branches) ? state.Branches.length : 0;
        if (mockValue.length !== branches) {
          throw validation('Mocked result must contain the same number of items as number of Parallel branches.');
        }
      } else if (type === 'Task') {
        const mode = str(mock!, 'fieldValidationMode') ?? 'STRICT';
        const problem = validateMockResult(
          String(state.Resource ?? ''),
          mockValue,
          mode as 'STRICT' | 'PRESENT' | 'NONE',
        );
        if (problem) throw validation(`Mock result schema validation error: ${problem}`);
      }
    }

    const single: Obj = {
      ...state,
      ...(ql !== undefined && state.QueryLanguage === undefined ? { QueryLanguage: ql } : {}),
    };
    const errorOutput = hasError ? (mock!.errorOutput as Obj) : undefined;
    const retrierRetryCount = typeof config.retrierRetryCount === 'number' ? config.retrierRetryCount : undefined;
    const region = rc.region;
    const accountId = rc.accountId;
    const executionName = randomId();
    const stateMachineName = randomId();
    const result = await testState(single, inputText, {
      ...(roleArn !== undefined ? { roleArn } : { roleArn: null }),
      inspectionLevel,
      ...(variables !== undefined ? { variables } : {}),
      ...(mocked
        ? {
            mock: {
              ...(hasResult ? { result: String(mock!.result) } : {}),
              ...(errorOutput
                ? {
                    errorOutput: {
                      ...(typeof errorOutput.error === 'string' ? { error: errorOutput.error } : {}),
                      ...(typeof errorOutput.cause === 'string' ? { cause: errorOutput.cause } : {}),
                    },
                  }
                : {}),
            },
          }
        : {}),
      stateConfiguration: {
        ...(retrierRetryCount !== undefined ? { retrierRetryCount } : {}),
        ...(failureCount !== undefined ? { mapIterationFailureCount: failureCount } : {}),
      },
      invoke: async (call) => {
        const task: TaskCall = {
          resource: call.resource,
          parameters: call.parameters,
          executionArn: `arn:aws:states:${region}:${accountId}:express:${stateMachineName}:${executionName}`,
          stateMachineArn: `arn:aws:states:${region}:${accountId}:stateMachine:${stateMachineName}`,
          stateName: WRAPPED_NAME,
          region,
          accountId,
          attempt: 0,
          ...(call.taskToken !== undefined ? { taskToken: call.taskToken } : {}),
        };
        const invoker = ctx.invokers.find(call.resource, task);
        if (!invoker) {
          return {
            error: 'States.Runtime',
            cause: `[statecraft] No task invoker is configured for resource '${call.resource}'. Register a handler or pass a mock.`,
          };
        }
        const outcome = await invoker
          .invoke(task, { signal: rc.signal ?? new AbortController().signal, now: () => ctx.clock.now() })
          .catch((err: unknown) => ({ type: 'failed' as const, error: 'States.Runtime', cause: String(err) }));
        if (outcome.type === 'succeeded') return { output: JSON.stringify(outcome.output ?? null) };
        if (outcome.type === 'failed')
          return { error: outcome.error, ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}) };
        return { error: 'States.Runtime', cause: 'TestState does not wait for callbacks or activity workers.' };
      },
      at: ctx.clock.now(),
      seed: Math.floor(Math.random() * 2 ** 31),
      region,
      accountId,
      executionName,
      stateMachineName,
    });
    return { ...result };
  };
}
