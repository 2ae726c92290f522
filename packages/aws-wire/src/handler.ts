/**
 * `handle(Request) → Response`: the awsJson1_0 server side shared by every transport.
 *
 * decode (target, body) → validate against the service model → dispatch → encode result or AWS error.
 *
 * @see https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 * "The X-Amz-Target header MUST be set to the shape name of the service, followed by a period, followed by
 * the name of the operation" — dispatch on the text after the last `.`; the prefix must name the service.
 */
import type { RequestContext, Service } from '@statecraft/engine';
import { AwsServiceError } from '@statecraft/engine';
import { encodeJson } from './codec.js';

/** The SWF legacy (Coral) target prefix, accepted by AWS in recorded traffic. @internal */
const SWF_LEGACY_PREFIX = 'com.amazonaws.swf.service.model.SimpleWorkflowService';

/**
 * Validates a decoded body against the service model and returns the input the operation receives
 * (coerced: unknown members dropped, timestamps as `Date`), or the wire error to answer.
 * @public
 */
export type InputValidator = (
  service: string,
  operation: string,
  body: unknown,
) =>
  | { readonly ok: true; readonly input: Record<string, unknown> }
  | { readonly ok: false; readonly code: string; readonly message?: string; readonly namespace: string };

/**
 * Turns what an operation returned into the JSON value to send (e.g. model-driven: `@default`s
 * written, see `toWireShape`). Return `undefined` for an empty body: Smithy servers SHOULD send no
 * payload for an operation without output (`smithy.api#Unit`), as AWS SWF does.
 * @public
 */
export type OutputEncoder = (service: string, operation: string, output: unknown) => unknown;

/**
 * Extra headers for an error response of `service`, e.g. `x-amzn-query-error: <code>;<Sender|Receiver>`
 * of an `@awsQueryCompatible` service. `undefined` adds none.
 * @public
 */
export type ErrorHeaders = (
  service: string,
  error: { readonly code: string; readonly status: number },
) => Readonly<Record<string, string>> | undefined;

/** @internal */
export interface AwsHandlerOptions {
  readonly services: readonly Service[];
  readonly accountId: string;
  readonly region: string;
  readonly reset: () => Promise<void>;
  readonly validate?: InputValidator;
  /** Encodes operation results; without it the result is sent as it is (`toWire`). */
  readonly encodeOutput?: OutputEncoder;
  /** Extra headers for modelled (thrown `AwsServiceError`) error responses. */
  readonly errorHeaders?: ErrorHeaders;
}

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-allow-headers':
    'authorization, content-type, x-amz-target, x-amz-date, x-amz-user-agent, x-amz-content-sha256, x-amz-security-token, amz-sdk-invocation-id, amz-sdk-request',
  'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype, date',
  'access-control-max-age': '86400',
};

function respond(
  status: number,
  body: Uint8Array | null,
  requestId: string,
  extra: Record<string, string> = {},
): Response {
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': requestId,
    date: new Date().toUTCString(),
    ...CORS_HEADERS,
    ...extra,
  };
  return new Response(body as BodyInit | null, { status, headers });
}

/**
 * `{"__type": "<namespace>#<code>", ...members, "message": ...}`. An empty `message` is left out, so an
 * error without one has just its members (Smithy `AwsJson10EmptyComplexError`: `{"__type": "…"}`), and
 * an error shape whose message member is spelled `Message` carries it in `members`.
 */
function errorResponse(
  code: string,
  message: string | undefined,
  status: number,
  requestId: string,
  namespace?: string,
  members: Record<string, unknown> = {},
  extra: Readonly<Record<string, string>> = {},
): Response {
  const body: Record<string, unknown> = { __type: namespace ? `${namespace}#${code}` : code, ...members };
  if (message !== undefined && message !== '') body.message = message;
  return respond(status, encodeJson(body), requestId, { ...extra, 'x-amzn-errortype': code });
}

/** The request body as text, gunzipped when `Content-Encoding` lists `gzip` (Smithy `@requestCompression`). */
async function bodyText(request: Request): Promise<string> {
  const encodings = (request.headers.get('content-encoding') ?? '').split(',').map((e) => e.trim().toLowerCase());
  // Only gzip is decoded; other tokens (SWF's legacy `amz-1.0`) describe the JSON itself and are ignored.
  if (!encodings.includes('gzip') || request.body === null) return request.text();
  return new Response(request.body.pipeThrough(new DecompressionStream('gzip'))).text();
}

/** Region from the SigV4 credential scope, else from an AWS host name, else the default. @internal */
export function regionOf(request: Request, fallback: string): string {
  const auth = request.headers.get('authorization') ?? '';
  const m = /Credential=[^/]*\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/.exec(auth);
  if (m?.[1]) return m[1];
  try {
    const host = new URL(request.url).hostname;
    const h = /^(?:sync-)?(?:states|swf)\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host);
    if (h?.[1]) return h[1];
  } catch {}
  return fallback;
}

/** An access key id of exactly 12 digits is the account (WIRE.md §8). @internal */
export function accountOf(request: Request, fallback: string): string {
  const auth = request.headers.get('authorization') ?? '';
  const m = /Credential=(\d{12})\//.exec(auth);
  return m?.[1] ?? fallback;
}

/** @internal */
export function createAwsHandler(options: AwsHandlerOptions): (request: Request) => Promise<Response> {
  const byPrefix = new Map<string, Service>();
  for (const s of options.services) byPrefix.set(s.targetPrefix, s);
  const swf = byPrefix.get('SimpleWorkflowService');
  if (swf) byPrefix.set(SWF_LEGACY_PREFIX, swf);

  return async (request) => {
    const requestId = globalThis.crypto.randomUUID();
    let serviceName: string | undefined;
    try {
      const url = new URL(request.url);
      if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_HEADERS });
      if (url.pathname.endsWith('/_statecraft/health') && request.method === 'GET') {
        return respond(
          200,
          encodeJson({ status: 'ok', accountId: options.accountId, region: options.region }),
          requestId,
          {
            'content-type': 'application/json',
          },
        );
      }
      if (url.pathname.endsWith('/_statecraft/reset') && request.method === 'POST') {
        await options.reset();
        return respond(200, encodeJson({ reset: true }), requestId, { 'content-type': 'application/json' });
      }

      const target = request.headers.get('x-amz-target') ?? '';
      const dot = target.lastIndexOf('.');
      const service = dot > 0 ? byPrefix.get(target.slice(0, dot)) : undefined;
      const opName = dot > 0 ? target.slice(dot + 1) : '';
      const operation = service && Object.hasOwn(service.operations, opName) ? service.operations[opName] : undefined;
      if (request.method !== 'POST' || !service || !operation) {
        return errorResponse('UnknownOperationException', undefined, 400, requestId, 'com.amazon.coral.service');
      }
      serviceName = service.targetPrefix;

      let text: string;
      try {
        text = await bodyText(request);
      } catch {
        return errorResponse('SerializationException', undefined, 400, requestId, 'com.amazon.coral.service');
      }
      let input: unknown = {};
      if (text.trim() !== '') {
        try {
          input = JSON.parse(text);
        } catch {
          return errorResponse('SerializationException', undefined, 400, requestId, 'com.amazon.coral.service');
        }
      }
      let decoded: Record<string, unknown>;
      if (options.validate) {
        const checked = options.validate(service.targetPrefix, opName, input);
        if (!checked.ok) return errorResponse(checked.code, checked.message, 400, requestId, checked.namespace);
        decoded = checked.input;
      } else {
        if (typeof input !== 'object' || input === null || Array.isArray(input)) {
          return errorResponse('SerializationException', undefined, 400, requestId, 'com.amazon.coral.service');
        }
        decoded = input as Record<string, unknown>;
      }
      const ctx: RequestContext = {
        region: regionOf(request, options.region),
        accountId: accountOf(request, options.accountId),
        requestId,
        signal: request.signal,
      };
      const output = await operation(decoded, ctx);
      const payload = options.encodeOutput ? options.encodeOutput(service.targetPrefix, opName, output) : output;
      return respond(200, payload === undefined ? null : encodeJson(payload), requestId);
    } catch (err) {
      if (AwsServiceError.is(err)) {
        const extra = serviceName && options.errorHeaders?.(serviceName, { code: err.code, status: err.status });
        return errorResponse(
          err.code,
          err.message,
          err.status,
          requestId,
          err.namespace,
          { ...err.members },
          extra || {},
        );
      }
      console.error('[statecraft] Internal failure while handling a request:', err);
      return errorResponse(
        'InternalFailure',
        'An internal error occurred.',
        500,
        requestId,
        'com.amazon.coral.service',
      );
    }
  };
}
