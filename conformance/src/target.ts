/**
 * What a case runs against: an in-process Statecraft (one instance per case, account 111111111111, region
 * us-east-1), or a running server at `--endpoint`. Both expose SDK clients and a raw awsJson1_0 sender.
 */
import { SFNClient, type SFNClientConfig } from '@aws-sdk/client-sfn';
import { SWFClient } from '@aws-sdk/client-swf';
import { createStatecraft, type StatecraftOptions } from '@statecraft/aws-wire';
import { createRequestHandler } from '@statecraft/aws-wire/smithy';
import type { LambdaFunctionConfig } from './lambda.js';

export const ACCOUNT_ID = '111111111111';
export const REGION = 'us-east-1';
const credentials = { accessKeyId: 'AKID', secretAccessKey: 'x' };

export interface RawResponse {
  status: number;
  body: string;
}

export interface Emulator {
  readonly sfn: SFNClient;
  readonly swf: SWFClient;
  readonly inProcess: boolean;
  /** Sends one awsJson1_0 request as given (`target` = full X-Amz-Target value). */
  raw(target: string, body: string, headers?: Record<string, string>): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface InProcessOptions {
  functions?: Record<string, LambdaFunctionConfig>;
  mockConfig?: unknown;
  /** Behave as AWS did on this date (`YYYY-MM-DD`), Statecraft's `compatibilityDate`. */
  compatibilityDate?: string;
}

function rawHeaders(target: string, extra?: Record<string, string>): Record<string, string> {
  return {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': target,
    authorization: `AWS4-HMAC-SHA256 Credential=AKID/20240101/${REGION}/states/aws4_request, SignedHeaders=host, Signature=0`,
    ...extra,
  };
}

/** A fresh in-process emulator. */
export async function createInProcess(options: InProcessOptions = {}): Promise<Emulator> {
  const config: Record<string, unknown> = { accountId: ACCOUNT_ID, region: REGION };
  if (options.functions) config.functions = options.functions;
  if (options.mockConfig !== undefined) config.mockConfig = options.mockConfig;
  if (options.compatibilityDate !== undefined) config.compatibilityDate = options.compatibilityDate;
  const sc = createStatecraft(config as StatecraftOptions);
  // The in-process handler speaks the SDK's handler protocol; its own types are structural, hence the cast.
  const requestHandler = createRequestHandler(sc) as unknown as SFNClientConfig['requestHandler'];
  const common = { region: REGION, credentials, requestHandler, maxAttempts: 1 };
  const sfn = new SFNClient(common);
  const swf = new SWFClient(common);
  return {
    sfn,
    swf,
    inProcess: true,
    async raw(target, body, headers) {
      const res = await sc.handle(
        new Request(`https://localhost/`, { method: 'POST', headers: rawHeaders(target, headers), body }),
      );
      return { status: res.status, body: await res.text() };
    },
    async close() {
      sfn.destroy();
      swf.destroy();
      await sc.close();
    },
  };
}

/** Clients for a running server. */
export function createRemote(endpoint: string): Emulator {
  const common = { endpoint, region: REGION, credentials, disableHostPrefix: true, maxAttempts: 1 };
  const sfn = new SFNClient(common);
  const swf = new SWFClient(common);
  return {
    sfn,
    swf,
    inProcess: false,
    async raw(target, body, headers) {
      const res = await fetch(endpoint, { method: 'POST', headers: rawHeaders(target, headers), body });
      return { status: res.status, body: await res.text() };
    },
    async close() {},
  };
}

/** Closes the shared clients of a remote target. */
export function destroyRemote(e: Emulator): void {
  e.sfn.destroy();
  e.swf.destroy();
}
