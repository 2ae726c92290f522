/**
 * API faults. Services throw an {@link AwsServiceError} with the AWS shape name; the transport turns it
 * into the wire error (`__type`, `message`, status). Identified by a symbol brand, not `instanceof`, so
 * copies of the class from different package versions still match.
 */
const BRAND = Symbol.for('@statecraft/engine/AwsServiceError');

/** @public */
export class AwsServiceError extends Error {
  /** The modelled error shape name, e.g. `ExecutionDoesNotExist`. */
  readonly code: string;
  /** HTTP status (every modelled error of both services is a client error; default 400). */
  readonly status: number;
  /** Namespace written before `#` in `__type` (the SDK ignores it). */
  readonly namespace: string | undefined;
  /** Extra modelled members (e.g. `reason` of ValidationException). */
  readonly members: Readonly<Record<string, unknown>>;
  readonly [BRAND] = true;

  constructor(
    code: string,
    message: string,
    options: { status?: number; namespace?: string; members?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = options.status ?? 400;
    this.namespace = options.namespace;
    this.members = options.members ?? {};
  }

  static is(value: unknown): value is AwsServiceError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Context every operation receives from the transport. @public */
export interface RequestContext {
  readonly region: string;
  readonly accountId: string;
  readonly requestId: string;
  readonly signal?: AbortSignal;
}

/** An operation implementation: decoded input → plain output object, or a thrown AwsServiceError. @public */
export type Operation = (input: Record<string, unknown>, ctx: RequestContext) => Promise<Record<string, unknown>>;

/** A service as the transport sees it. @public */
export interface Service {
  /** `AWSStepFunctions` or `SimpleWorkflowService`. */
  readonly targetPrefix: string;
  readonly operations: Readonly<Record<string, Operation>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}
