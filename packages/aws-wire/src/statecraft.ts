/**
 * The composition root: one Statecraft instance holds a store, a clock, both services and the one
 * `handle(Request) → Response` function every transport calls.
 */
import type { Clock, InvokerRegistry, Service, TaskInvoker } from '@statecraft/engine';
import { createClock, createInvokerRegistry } from '@statecraft/engine';
import type { LambdaFunction, MockConfig } from '@statecraft/integrations';
import {
  createHandleNestedExecutions,
  createIntegrationInvokers,
  type IntegrationOptions,
} from '@statecraft/integrations';
import type { SfnService } from '@statecraft/sfn';
import { createSfnService } from '@statecraft/sfn';
import type { StorageDriver } from '@statecraft/storage';
import { createMemoryDriver } from '@statecraft/storage';
import type { SwfService } from '@statecraft/swf';
import { createSwfService } from '@statecraft/swf';
import { createAwsHandler, type InputValidator } from './handler.js';
import { coerceInput, type ServiceModel, sfnModel, swfModel, validateInput } from './validation/index.js';

/** A web-standard request handler: the only thing the transports call. @public */
export type AwsHandler = (request: Request) => Promise<Response>;

/** Options for {@link createStatecraft}. @public */
export interface StatecraftOptions {
  /** Default account for ARNs (Step Functions Local's default `123456789012`). */
  readonly accountId?: string;
  /** Default region when a request does not carry one (`us-east-1`). */
  readonly region?: string;
  /** Storage driver (default: in memory). */
  readonly store?: StorageDriver;
  /** Clock (default: real time). */
  readonly clock?: Clock;
  /** Extra task invokers, consulted before the built-in ones. */
  readonly invokers?: readonly TaskInvoker[];
  /** Where background failures are reported (default: console.error). */
  readonly onError?: (err: unknown) => void;
  /**
   * In-process Lambda handlers by function name: `async (event, context) => result`. Throwing an error
   * fails the invocation with `errorType` = the error's `name`. A function ARN or `lambda:invoke` naming
   * `<name>` (in any account or region) runs it.
   */
  readonly functions?: Readonly<Record<string, LambdaFunction>>;
  /** An HTTP Lambda endpoint for functions not in `functions` (Step Functions Local's `LAMBDA_ENDPOINT`). */
  readonly lambdaEndpoint?: string;
  /**
   * Endpoints that optimised and `aws-sdk:*` integrations are forwarded to, by service (`sqs`, `sns`,
   * `dynamodb`, `events`, `sfn`, `ecs`, `glue`, `sagemaker`): Step Functions Local's `SQS_ENDPOINT`, …; and `s3`
   * (`S3_ENDPOINT`, a Statecraft addition) for S3 Tasks and Map ItemReader/ResultWriter.
   */
  readonly serviceEndpoints?: Readonly<Record<string, string>>;
  /**
   * A Step Functions Local mock configuration (the object, or the JSON text of the file `SFN_MOCK_CONFIG`
   * names). Executions started with `<state machine ARN>#<TestCase>` get the test case's mocked responses.
   */
  readonly mockConfig?: MockConfig | string;
  /** Credentials for calls forwarded to `lambdaEndpoint`/`serviceEndpoints` (default `test`/`test`). */
  readonly credentials?: IntegrationOptions['credentials'];
  /**
   * Behave as AWS did on this date (`YYYY-MM-DD`): for suites pinned to recordings of older AWS behaviour.
   * See `SfnServiceOptions.compatibilityDate` for what it changes. Default: current AWS behaviour.
   */
  readonly compatibilityDate?: string;
  /**
   * Closed executions kept (records and histories); older ones are removed. Default 10,000 in memory,
   * unbounded on durable stores.
   */
  readonly maxClosedExecutions?: number;
  /** How long GetActivityTask holds a poll with no task, seconds (AWS: 60). */
  readonly activityPollTimeoutSeconds?: number;
  /** How long SWF PollForDecisionTask/PollForActivityTask hold, seconds (AWS: 60). */
  readonly swfPollTimeoutSeconds?: number;
}

/** A running emulator. @public */
export interface Statecraft {
  readonly handle: AwsHandler;
  readonly accountId: string;
  readonly region: string;
  readonly clock: Clock;
  readonly store: StorageDriver;
  readonly invokers: InvokerRegistry;
  readonly sfn: SfnService;
  readonly swf: SwfService;
  /** Wipes all state: state machines, executions, domains, timers. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** @public */
export function createStatecraft(options: StatecraftOptions = {}): Statecraft {
  const accountId = options.accountId ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const store = options.store ?? createMemoryDriver();
  const clock = options.clock ?? createClock({ mode: 'real' });
  let self: Statecraft | undefined;
  const integrations = createIntegrationInvokers({
    ...(options.functions ? { functions: options.functions } : {}),
    ...(options.lambdaEndpoint ? { lambdaEndpoint: options.lambdaEndpoint } : {}),
    ...(options.serviceEndpoints ? { serviceEndpoints: options.serviceEndpoints } : {}),
    ...(options.mockConfig !== undefined ? { mockConfig: options.mockConfig } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    nested: createHandleNestedExecutions((request) => self!.handle(request), { region, accountId }),
  });
  // Mocks first (they take precedence for mapped states), then the caller's invokers, then the integrations.
  const invokers = createInvokerRegistry([
    ...(integrations.mockInvoker ? [integrations.mockInvoker] : []),
    ...(options.invokers ?? []),
    ...integrations.invokers,
  ]);
  const sfn = createSfnService({
    store,
    clock,
    invokers,
    region,
    accountId,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.activityPollTimeoutSeconds !== undefined
      ? { activityPollTimeoutSeconds: options.activityPollTimeoutSeconds }
      : {}),
    ...(options.compatibilityDate !== undefined ? { compatibilityDate: options.compatibilityDate } : {}),
    ...(options.maxClosedExecutions !== undefined ? { maxClosedExecutions: options.maxClosedExecutions } : {}),
  });
  const swf = createSwfService({
    store,
    clock,
    invokers,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.swfPollTimeoutSeconds !== undefined ? { pollTimeoutSeconds: options.swfPollTimeoutSeconds } : {}),
  });
  const services: Service[] = [sfn, swf];
  let ready: Promise<void> | undefined;
  const init = () => {
    ready ??= store.init();
    return ready;
  };
  const instance: Statecraft = {
    accountId,
    region,
    clock,
    store,
    invokers,
    sfn,
    swf,
    handle: async (request) => {
      await init();
      return inner(request);
    },
    async reset() {
      await init();
      for (const s of services) await s.reset();
      await store.reset();
    },
    async close() {
      for (const s of services) await s.close();
      await store.destroy();
    },
  };
  self = instance;
  const inner = createAwsHandler({
    services,
    accountId,
    region,
    reset: () => instance.reset(),
    validate: modelValidator,
  });
  return instance;
}

const MODELS: Readonly<Record<string, ServiceModel>> = {
  AWSStepFunctions: sfnModel,
  SimpleWorkflowService: swfModel,
};

/** Model-driven checks: JSON types (SerializationException), then constraints (ValidationException). */
const modelValidator: InputValidator = (service, operation, body) => {
  const model = MODELS[service];
  if (!model?.operations[operation]) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { ok: false, code: 'SerializationException', namespace: 'com.amazon.coral.service' };
    }
    return { ok: true, input: body as Record<string, unknown> };
  }
  const result = validateInput(model, operation, body);
  if (!result.ok) {
    return result.kind === 'validation'
      ? { ok: false, code: 'ValidationException', message: result.message, namespace: 'com.amazon.coral.validate' }
      : {
          ok: false,
          code: 'SerializationException',
          namespace: 'com.amazon.coral.service',
          ...(result.message !== undefined ? { message: result.message } : {}),
        };
  }
  return { ok: true, input: coerceInput(model, operation, body) };
};
