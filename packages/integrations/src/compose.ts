/**
 * One call that builds every integration invoker, in precedence order: mocks, then Lambda, nested
 * executions, S3, and forwarded services (whose catch-all names the missing configuration).
 */
import type { TaskInvoker } from '@statecraft/engine';
import {
  chainLambdaBackends,
  createEndpointLambdaBackend,
  createInProcessLambdaBackend,
  createLambdaInvoker,
  type EndpointCredentials,
  type LambdaBackend,
  type LambdaFunction,
  LambdaServiceError,
  resolveFunction,
} from './lambda.js';
import {
  createMockInvoker,
  formatMockConfigProblems,
  type LoadedMockConfig,
  loadMockConfig,
  type MockConfig,
} from './mock-config.js';
import { createNestedExecutionInvoker, type NestedExecutions } from './nested-executions.js';
import { createS3Invoker } from './s3.js';
import { createServiceInvoker } from './services.js';

/** The integration settings of a Statecraft instance (the same names as `StatecraftOptions`). @public */
export interface IntegrationOptions {
  /** In-process Lambda handlers by function name. */
  readonly functions?: Readonly<Record<string, LambdaFunction>>;
  /** An HTTP Lambda endpoint (Step Functions Local's `LAMBDA_ENDPOINT`), for functions not in `functions`. */
  readonly lambdaEndpoint?: string;
  /**
   * Endpoints of other services by name (`sqs`, `sns`, `dynamodb`, `events`, …, and `s3` for an S3-compatible
   * endpoint reached path-style: Map's ItemReader/ResultWriter and `aws-sdk:s3:getObject|listObjectsV2|putObject`).
   */
  readonly serviceEndpoints?: Readonly<Record<string, string>>;
  /** A Step Functions Local mock configuration, as an object or the file's JSON text. */
  readonly mockConfig?: MockConfig | string;
  /** Credentials for forwarded calls (default: `test`/`test`; local endpoints accept any). */
  readonly credentials?: EndpointCredentials;
}

/** What {@link createIntegrationInvokers} built. @public */
export interface Integrations {
  /** The mock-configuration invoker: register it first, so mocked states never reach a real integration. */
  readonly mockInvoker: TaskInvoker | undefined;
  /** Lambda, nested executions, S3 (with an `s3` endpoint) and forwarded services, in this order (the last one is a catch-all). */
  readonly invokers: readonly TaskInvoker[];
  /** The mock configuration, when one was given and loaded. */
  readonly mocks: LoadedMockConfig | undefined;
}

/** @public */
export function createIntegrationInvokers(
  options: IntegrationOptions & {
    /** Runs `states:startExecution` children (the same instance's SFN service). */
    readonly nested?: NestedExecutions;
    /** Where a mock configuration that does not load is reported (default: console.warn). */
    readonly onProblem?: (message: string) => void;
  },
): Integrations {
  const invokers: TaskInvoker[] = [];
  let mocks: LoadedMockConfig | undefined;
  let mockInvoker: TaskInvoker | undefined;
  if (options.mockConfig !== undefined) {
    const loaded = loadMockConfig(options.mockConfig);
    if (loaded.ok) {
      mocks = loaded.mocks;
      mockInvoker = createMockInvoker(loaded.mocks);
    } else {
      (options.onProblem ?? console.warn)(formatMockConfigProblems(loaded.problems));
    }
  }
  const backends: LambdaBackend[] = [];
  if (options.functions) backends.push(createInProcessLambdaBackend(options.functions));
  if (options.lambdaEndpoint) {
    backends.push(
      createEndpointLambdaBackend({
        endpoint: options.lambdaEndpoint,
        ...(options.credentials ? { credentials: options.credentials } : {}),
      }),
    );
  }
  const backend: LambdaBackend =
    backends.length > 0
      ? chainLambdaBackends(backends)
      : {
          // Nothing configured: AWS's answer for a function that does not exist, with the missing setting named.
          async invoke(req) {
            const fn = resolveFunction(req.functionName, req.qualifier, req.region, req.accountId);
            throw new LambdaServiceError(
              'ResourceNotFoundException',
              `Function not found: ${fn.arn}:${fn.qualifier ?? '$LATEST'} ([statecraft] no Lambda function is configured: register a handler with createStatecraft({ functions: { '${fn.name}': async (event) => … } }), set LAMBDA_ENDPOINT, or mock the state with SFN_MOCK_CONFIG)`,
              404,
              globalThis.crypto.randomUUID(),
            );
          },
        };
  invokers.push(createLambdaInvoker({ backend, declineCallbacks: backends.length === 0 }));
  if (options.nested) invokers.push(createNestedExecutionInvoker({ executions: options.nested }));
  const s3Endpoint = Object.entries(options.serviceEndpoints ?? {}).find(([k]) => k.toLowerCase() === 's3')?.[1];
  if (s3Endpoint) {
    invokers.push(
      createS3Invoker({
        endpoint: s3Endpoint,
        ...(options.credentials ? { credentials: options.credentials } : {}),
      }),
    );
  }
  invokers.push(
    createServiceInvoker({
      ...(options.serviceEndpoints ? { endpoints: options.serviceEndpoints } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    }),
  );
  return { mockInvoker, invokers, mocks };
}
