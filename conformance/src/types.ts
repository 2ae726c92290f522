/** The case file formats (README §1, §3; swf/README §2). */

export interface CaseSource {
  suite?: string;
  test?: string;
  recorded?: string;
  awsValidated?: boolean;
  trust?: string;
  [k: string]: unknown;
}

export interface ExpectAt {
  path: string;
  value: unknown;
}

export interface ExpectError {
  name?: string;
  message?: string;
}

export interface CallStep {
  call: string;
  input?: Record<string, unknown>;
  save?: Record<string, string>;
  expect?: unknown;
  expectAt?: ExpectAt[];
  expectError?: ExpectError;
  expectKey?: string;
  // SWF additions
  origin?: string;
  poll?: { untilTask?: boolean; timeoutSeconds?: number; select?: { workflowId?: string } };
  saveVariants?: Record<string, Record<string, string>>;
  expectVariants?: Record<string, unknown>;
  ignorePaths?: string[];
  note?: string;
  [k: string]: unknown;
}

export interface AwaitStep {
  await: string;
  executionArn?: string;
  stateMachineArn?: string;
  status?: string;
  eventType?: string;
  timeoutSeconds?: number;
}

export type Step = CallStep | AwaitStep;

export interface LambdaFunctionSpec {
  behaviour: string;
  runtime?: string;
  handlerFile?: string;
  recordedFailure?: { error?: string; cause?: unknown; [k: string]: unknown };
}

export interface CaseFile {
  id: string;
  source?: CaseSource;
  area?: string;
  requires?: string[];
  names?: Record<string, string>;
  compare?: { parallelBranchEventsUnordered?: boolean; sortVariableReferences?: boolean; parseOutputStrings?: boolean };
  lambdaFunctions?: Record<string, LambdaFunctionSpec>;
  mockConfig?: unknown;
  ignorePaths?: string[];
  steps: Step[];
  // SWF additions
  wire?: { target?: string; contentType?: string; contentEncoding?: string };
  variants?: Record<string, string>;
  [k: string]: unknown;
}

/** A loaded case: the file plus where it came from. */
export interface LoadedCase {
  id: string;
  area: string;
  service: 'sfn' | 'swf';
  file: string;
  data: CaseFile;
}

export function isAwait(step: Step): step is AwaitStep {
  return typeof (step as AwaitStep).await === 'string';
}
