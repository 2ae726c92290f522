/**
 * @statecraft/aws-wire/msw — MSW request handlers that answer AWS SDK calls from a Statecraft instance, in
 * Node (`setupServer` from `msw/node`) or in a browser (`setupWorker` from `msw/browser`).
 *
 * ```ts
 * const server = setupServer(...createMswHandlers(createStatecraft()));
 * ```
 * @packageDocumentation
 */
import { http } from 'msw';

/** @public */
export interface HandlesRequests {
  readonly handle: (request: Request) => Promise<Response>;
}

/** @public */
export interface MswHandlerOptions {
  /**
   * Extra endpoints to intercept (e.g. `http://localhost:8083`), besides AWS's own
   * `https://states.<region>.amazonaws.com`, `https://sync-states.…` and `https://swf.<region>.amazonaws.com`.
   */
  readonly endpoints?: readonly string[];
}

/** @public */
export function createMswHandlers(statecraft: HandlesRequests, options: MswHandlerOptions = {}) {
  const resolver = async ({ request }: { request: Request }) => {
    const target = request.headers.get('x-amz-target') ?? '';
    if (
      !/^(AWSStepFunctions|SimpleWorkflowService|com\.amazonaws\.swf\.service\.model\.SimpleWorkflowService)\./.test(
        target,
      )
    ) {
      return undefined;
    }
    return statecraft.handle(request);
  };
  const urls = [
    'https://states.:region.amazonaws.com/*',
    'https://sync-states.:region.amazonaws.com/*',
    'https://swf.:region.amazonaws.com/*',
    ...(options.endpoints ?? []).map((e) => `${e.replace(/\/+$/, '')}/*`),
  ];
  return urls.map((url) => http.post(url, resolver));
}
