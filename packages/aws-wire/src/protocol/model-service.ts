/**
 * The model-driven hooks of `createAwsHandler` for any set of {@link ServiceModel}s: the input
 * validator (as `modelValidator` in `statecraft.ts` builds it for SFN and SWF), an output encoder that
 * writes `@default`s and sends no payload for `smithy.api#Unit` output, and the `x-amzn-query-error`
 * header of `@awsQueryCompatible` services.
 *
 * @see https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 * @see https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait
 * @internal
 */
import { toWireShape } from '../codec.js';
import type { ErrorHeaders, InputValidator, OutputEncoder } from '../handler.js';
import type { ServiceModel } from '../models/service-model.js';
import { coerceInput, validateInput } from '../validation/index.js';
import type { AwsQueryError } from './smithy-ast.js';

/** Options of {@link createModelValidator} and {@link createModelOutputEncoder}. @internal */
export interface ModelHookOptions {
  /** Fill absent members with their `@default` (Smithy: servers MUST). Default `true`. */
  readonly applyDefaults?: boolean;
}

/**
 * JSON types (`SerializationException`), then constraints (`ValidationException`), then the coerced
 * input, for the services of `models` (keyed by target prefix); other services pass the body through.
 */
export function createModelValidator(
  models: Readonly<Record<string, ServiceModel>>,
  options: ModelHookOptions = {},
): InputValidator {
  const applyDefaults = options.applyDefaults ?? true;
  return (service, operation, body) => {
    const model = Object.hasOwn(models, service) ? models[service] : undefined;
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
    return { ok: true, input: coerceInput(model, operation, body, { applyDefaults }) };
  };
}

/**
 * Encodes results by the operation's output shape, writing `@default`s; an operation without output
 * (`smithy.api#Unit`) answers with an empty payload. Other services' results are sent as they are.
 */
export function createModelOutputEncoder(
  models: Readonly<Record<string, ServiceModel>>,
  options: ModelHookOptions = {},
): OutputEncoder {
  const applyDefaults = options.applyDefaults ?? true;
  return (service, operation, output) => {
    const model = Object.hasOwn(models, service) ? models[service] : undefined;
    const op = model?.operations[operation];
    if (!model || !op) return output;
    if (!op.output) return undefined;
    return toWireShape(model, op.output, output ?? {}, { applyDefaults });
  };
}

/**
 * `x-amzn-query-error: <code>;<Sender|Receiver>` for every modelled error of the `@awsQueryCompatible`
 * services in `queryCompatible` (target prefix → model and `@awsQueryError` codes by error shape).
 */
export function createQueryErrorHeaders(
  queryCompatible: Readonly<
    Record<string, { readonly model: ServiceModel; readonly queryErrors: Readonly<Record<string, AwsQueryError>> }>
  >,
): ErrorHeaders {
  return (service, error) => {
    const entry = Object.hasOwn(queryCompatible, service) ? queryCompatible[service] : undefined;
    if (!entry) return undefined;
    const code = entry.queryErrors[error.code]?.code ?? error.code;
    const fault = entry.model.shapes[error.code]?.error?.fault ?? (error.status >= 500 ? 'server' : 'client');
    return { 'x-amzn-query-error': `${code};${fault === 'server' ? 'Receiver' : 'Sender'}` };
  };
}
