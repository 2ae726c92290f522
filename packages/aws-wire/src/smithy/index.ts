/**
 * @statecraft/aws-wire/smithy — an in-process request handler for the AWS SDK v3: no socket, no DNS.
 *
 * ```ts
 * const client = new SFNClient({ region: 'us-east-1', credentials, requestHandler: createRequestHandler(sc) });
 * ```
 * The SDK hands a signed `HttpRequest` (body a `Uint8Array` or the string `"{}"`); it needs the response
 * body as a `Uint8Array` (a string fails with `nodeStream.pipe is not a function`) and lower-case headers.
 * @packageDocumentation
 */

/** The part of a Statecraft instance the handler needs. @public */
export interface HandlesRequests {
  readonly handle: (request: Request) => Promise<Response>;
}

/** The subset of `@smithy/protocol-http`'s HttpRequest the handler reads. @public */
export interface SmithyHttpRequest {
  readonly method: string;
  readonly protocol?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly path?: string;
  readonly query?: Record<string, string | string[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/** @public */
export interface SmithyHttpResponse {
  readonly statusCode: number;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/**
 * The abort signal the SDK passes: a web `AbortSignal`, or Smithy's older interface with `onabort` (the SDK's
 * `HttpHandlerOptions.abortSignal` type admits both).
 * @public
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  // biome-ignore lint/complexity/noBannedTypes: Smithy's AbortSignal declares `onabort` as Function.
  onabort?: Function | null;
}

/** @public */
export interface InProcessRequestHandler {
  handle(
    request: SmithyHttpRequest,
    options?: { abortSignal?: AbortSignalLike; requestTimeout?: number },
  ): Promise<{ response: SmithyHttpResponse }>;
  updateHttpClientConfig(key: string, value: unknown): void;
  httpHandlerConfigs(): Record<string, unknown>;
  destroy(): void;
}

function bodyOf(body: unknown): BodyInit | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body as BodyInit;
  if (body instanceof ArrayBuffer) return new Uint8Array(body) as BodyInit;
  return String(body);
}

function toAbortSignal(signal: AbortSignalLike | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  if (typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal) return signal;
  const ac = new AbortController();
  if (signal.aborted) ac.abort();
  else {
    const previous = signal.onabort;
    signal.onabort = (...args: unknown[]) => {
      ac.abort();
      return typeof previous === 'function' ? previous.apply(signal, args) : undefined;
    };
  }
  return ac.signal;
}

/**
 * Creates a request handler that answers SDK calls by calling `statecraft.handle` directly.
 * @public
 */
export function createRequestHandler(statecraft: HandlesRequests): InProcessRequestHandler {
  return {
    async handle(request, options) {
      const protocol = request.protocol ?? 'https:';
      const host = request.hostname ?? 'localhost';
      const port = request.port ? `:${request.port}` : '';
      const url = `${protocol}//${host}${port}${request.path ?? '/'}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(request.headers)) if (v !== undefined) headers.set(k, v);
      const init: RequestInit = { method: request.method, headers };
      const body = bodyOf(request.body);
      if (body !== undefined && request.method !== 'GET' && request.method !== 'HEAD') init.body = body;
      const signal = toAbortSignal(options?.abortSignal);
      if (signal) init.signal = signal;
      const res = await statecraft.handle(new Request(url, init));
      const out: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        out[key.toLowerCase()] = value;
      });
      return {
        response: { statusCode: res.status, headers: out, body: new Uint8Array(await res.arrayBuffer()) },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
}
