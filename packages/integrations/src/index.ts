/**
 * @statecraft/integrations — how Task states reach the world: Lambda handlers in process or at an endpoint,
 * nested Step Functions executions, AWS services at configured endpoints, and AWS Step Functions Local's
 * mock configuration (`SFN_MOCK_CONFIG`, `#TestCase`), each behind the engine's `TaskInvoker` seam.
 * @packageDocumentation
 */
export type { IntegrationContext, IntegrationOutcome } from './aws-shapes.js';
export type { IntegrationOptions, Integrations } from './compose.js';
export { createIntegrationInvokers } from './compose.js';
export { javaDoubleString, pythonFloatRepr, pythonJsonDumps, toPythonJson } from './json-text.js';
export type {
  EndpointCredentials,
  LambdaBackend,
  LambdaContext,
  LambdaFunction,
  LambdaFunctionConfig,
  LambdaHandler,
  LambdaInvokeRequest,
  LambdaInvokeResponse,
  LambdaInvokerOptions,
} from './lambda.js';
export {
  createEndpointLambdaBackend,
  createInProcessLambdaBackend,
  createLambdaInvoker,
  LambdaFunctionError,
  LambdaServiceError,
  RawLambdaPayload,
  rawLambdaPayload,
} from './lambda.js';
export type {
  LoadedMockConfig,
  MockConfig,
  MockConfigLoadResult,
  MockConfigProblem,
  MockedResponseStep,
  MockLookup,
} from './mock-config.js';
export { createMockInvoker, formatMockConfigProblems, loadMockConfig } from './mock-config.js';
export type {
  NestedExecutionDescription,
  NestedExecutions,
  NestedStartRequest,
  NestedStartResult,
} from './nested-executions.js';
export {
  createHandleNestedExecutions,
  createNestedExecutionInvoker,
  NestedExecutionError,
} from './nested-executions.js';
export type { S3InvokerOptions } from './s3.js';
export { createS3Invoker, S3_ACTIONS } from './s3.js';
export type { ServiceInvokerOptions } from './services.js';
export { createServiceInvoker, SERVICE_ENDPOINT_ENV } from './services.js';
