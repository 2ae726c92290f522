/**
 * S3 for Task states and Distributed Map: a small REST client for an S3-compatible endpoint (MinIO,
 * LocalStack, s3rver, a test server) and the invoker that answers
 *
 * - `arn:aws:states:::s3:getObject` / `s3:listObjectsV2` / `s3:putObject` — the resources of Map's
 *   `ItemReader` and `ResultWriter`: getObject → the body as a string; listObjectsV2 → `{Contents: […]}` with
 *   every page collected; putObject → `{ETag}`;
 * - `arn:aws:states:::aws-sdk:s3:getObject|listObjectsV2|putObject` — the AWS SDK integration shapes
 *   (getObject → `{Body, ContentLength, ContentType, ETag, LastModified, Metadata, …}`, one ListObjectsV2 page).
 *
 * Requests are path-style (`<endpoint>/<bucket>/<key>`) and signed with SigV4 (service `s3`) using the
 * credentials of the other forwarded services. Step Functions Local has no S3 setting: the endpoint is
 * `serviceEndpoints.s3`, or `S3_ENDPOINT` in the environment (a Statecraft addition).
 *
 * Errors follow the AWS SDK integration rule — `S3.<ErrorCode>` with an `Exception` suffix added when the
 * code lacks one (`S3.NoSuchKeyException`, `S3.NoSuchBucketException`, `S3.AccessDeniedException`) — and the
 * AWS SDK for Java v2 cause text (`… (Service: S3, Status Code: 404, Request ID: …)`).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html (error names)
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
import type { InvokeContext, TaskCall, TaskInvoker } from '@statecraft/engine';
import { failed, type IntegrationOutcome, parseServiceResource, uuid } from './aws-shapes.js';
import { byteLength } from './json-text.js';
import type { EndpointCredentials } from './lambda.js';
import { child, childrenNamed, childText, parseXml, type XmlElement, XmlParseError } from './s3-xml.js';
import { signRequest, uriEncode } from './sigv4.js';

/** The S3 actions Statecraft's client speaks. @public */
export const S3_ACTIONS: readonly string[] = ['getObject', 'listObjectsV2', 'putObject'];

/** Options for {@link createS3Invoker}. @public */
export interface S3InvokerOptions {
  /** The S3-compatible endpoint (`http://127.0.0.1:9000`); requests are path-style below it. */
  readonly endpoint: string;
  /** Credentials for SigV4 (default `test`/`test`). */
  readonly credentials?: EndpointCredentials;
  readonly fetch?: typeof fetch;
  /**
   * The time requests are signed with (default: the wall clock, not the emulator's clock — S3-compatible
   * servers such as MinIO refuse a signature more than 15 minutes off their own time).
   */
  readonly now?: () => number;
  /** Safety limit on ListObjectsV2 pages followed for one `s3:listObjectsV2` task (default 100,000). */
  readonly maxListPages?: number;
}

/** An error response from the endpoint. @internal */
export class S3ServiceError extends Error {
  override readonly name = 'S3ServiceError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly requestId: string,
    readonly extendedRequestId?: string,
  ) {
    super(message);
  }
}

/** A request that could not be made or whose response could not be read. @internal */
export class S3ClientError extends Error {
  override readonly name = 'S3ClientError';
}

interface S3Response {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

interface RequestContext {
  readonly region: string;
  readonly now: number;
  readonly signal: AbortSignal;
}

/** Fallback error codes by HTTP status, for error responses without an XML body (HEAD, proxies). */
const STATUS_CODES: Readonly<Record<number, string>> = {
  301: 'PermanentRedirect',
  307: 'TemporaryRedirect',
  400: 'BadRequest',
  403: 'AccessDenied',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  411: 'MissingContentLength',
  412: 'PreconditionFailed',
  416: 'InvalidRange',
  500: 'InternalError',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
};

/** A key as a path: each character outside RFC 3986's unreserved set encoded, `/` kept. */
function keyPath(key: string): string {
  const segments = key.split('/');
  // `.`/`..` segments would be folded away by URL parsing (even as %2E): send such keys as one segment.
  if (segments.some((s) => s === '.' || s === '..')) return uriEncode(key);
  return segments.map(uriEncode).join('/');
}

/** A path-style S3 client over `fetch`, signing with SigV4. @internal */
export function createS3Client(options: S3InvokerOptions) {
  const base = new URL(options.endpoint);
  const basePath = base.pathname.replace(/\/+$/, '');
  const credentials = options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' };
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));

  async function request(
    method: 'GET' | 'PUT',
    target: { bucket: string; key?: string },
    query: readonly (readonly [string, string])[],
    headers: Record<string, string>,
    body: string,
    rc: RequestContext,
  ): Promise<S3Response> {
    if (target.bucket === '' || target.bucket.includes('/') || target.bucket === '.' || target.bucket === '..') {
      throw new S3ClientError(`Invalid bucket name '${target.bucket}'`);
    }
    if (target.key !== undefined && (target.key === '' || target.key === '.' || target.key === '..')) {
      throw new S3ClientError(`Invalid key '${target.key}': it cannot be addressed path-style`);
    }
    let path = `${basePath}/${uriEncode(target.bucket)}`;
    if (target.key !== undefined) path += `/${keyPath(target.key)}`;
    const search = query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
    const url = new URL(`${base.origin}${path}${search ? `?${search}` : ''}`);
    let res: Response;
    let text: string;
    try {
      const signed = await signRequest({
        method,
        url,
        headers,
        body,
        region: rc.region,
        service: 's3',
        credentials,
        now: rc.now,
      });
      res = await doFetch(url, {
        method,
        headers: signed,
        ...(method === 'PUT' ? { body } : {}),
        signal: rc.signal,
        redirect: 'manual',
      });
      text = await res.text();
    } catch (err) {
      throw new S3ClientError(`Unable to execute HTTP request: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw errorOf(res, text);
    return { status: res.status, headers: res.headers, body: text };
  }

  return {
    async getObject(
      p: { bucket: string; key: string; versionId?: string; range?: string; partNumber?: number },
      rc: RequestContext,
    ): Promise<S3Response> {
      const query: [string, string][] = [];
      if (p.partNumber !== undefined) query.push(['partNumber', String(p.partNumber)]);
      if (p.versionId !== undefined) query.push(['versionId', p.versionId]);
      return request('GET', p, query, p.range ? { range: p.range } : {}, '', rc);
    },

    /** One ListObjectsV2 page, parsed. */
    async listObjectsV2(
      p: {
        bucket: string;
        prefix?: string;
        delimiter?: string;
        maxKeys?: number;
        continuationToken?: string;
        startAfter?: string;
        fetchOwner?: boolean;
        encodingType?: string;
      },
      rc: RequestContext,
    ): Promise<ListPage> {
      const query: [string, string][] = [['list-type', '2']];
      if (p.continuationToken !== undefined) query.push(['continuation-token', p.continuationToken]);
      if (p.delimiter !== undefined) query.push(['delimiter', p.delimiter]);
      if (p.encodingType !== undefined) query.push(['encoding-type', p.encodingType]);
      if (p.fetchOwner !== undefined) query.push(['fetch-owner', String(p.fetchOwner)]);
      if (p.maxKeys !== undefined) query.push(['max-keys', String(p.maxKeys)]);
      if (p.prefix !== undefined) query.push(['prefix', p.prefix]);
      if (p.startAfter !== undefined) query.push(['start-after', p.startAfter]);
      const res = await request('GET', { bucket: p.bucket }, query, {}, '', rc);
      return parseListPage(res.body);
    },

    async putObject(
      p: { bucket: string; key: string; body: string; headers: Record<string, string> },
      rc: RequestContext,
    ): Promise<S3Response> {
      return request('PUT', p, [], p.headers, p.body, rc);
    },
  };
}

function errorOf(res: Response, text: string): S3ServiceError {
  let code: string | undefined;
  let message: string | undefined;
  let requestId: string | undefined;
  let hostId: string | undefined;
  if (text.trim().startsWith('<')) {
    try {
      const doc = parseXml(text);
      const error = child(doc, 'Error');
      code = childText(error, 'Code');
      message = childText(error, 'Message');
      requestId = childText(error, 'RequestId');
      hostId = childText(error, 'HostId');
    } catch {}
  }
  return new S3ServiceError(
    code || STATUS_CODES[res.status] || 'S3Exception',
    message ?? (res.statusText || `HTTP ${res.status}`),
    res.status,
    requestId || res.headers.get('x-amz-request-id') || uuid(),
    hostId || res.headers.get('x-amz-id-2') || undefined,
  );
}

/** One object of a ListObjectsV2 page. @internal */
export interface ListedObject {
  readonly Key: string;
  readonly LastModified: string;
  readonly ETag: string;
  readonly Size: number;
  readonly StorageClass: string;
  readonly [member: string]: unknown;
}

/** A ListObjectsV2 page in the SDK's member names. @internal */
export interface ListPage {
  readonly Contents: ListedObject[];
  readonly CommonPrefixes: { Prefix: string }[];
  readonly IsTruncated: boolean;
  readonly NextContinuationToken?: string;
  readonly fields: Record<string, unknown>;
}

/** ISO-8601 for a timestamp S3 reports (XML's ISO form or an HTTP date); the text as is when unparseable. */
function isoTime(text: string): string {
  const t = Date.parse(text);
  return Number.isNaN(t) ? text : new Date(t).toISOString();
}

function parseListPage(xml: string): ListPage {
  let doc: XmlElement;
  try {
    doc = parseXml(xml);
  } catch (err) {
    throw new S3ClientError(
      `Unable to unmarshall response (${err instanceof XmlParseError ? err.message : String(err)}). Response body: ${xml.slice(0, 200)}`,
    );
  }
  const result = child(doc, 'ListBucketResult');
  if (!result)
    throw new S3ClientError(`Unable to unmarshall response: no ListBucketResult. Response body: ${xml.slice(0, 200)}`);
  const urlEncoded = childText(result, 'EncodingType') === 'url';
  const decode = (s: string) => {
    if (!urlEncoded) return s;
    try {
      return decodeURIComponent(s.replaceAll('+', ' '));
    } catch {
      return s;
    }
  };
  const contents = childrenNamed(result, 'Contents').map((c): ListedObject => {
    const item: Record<string, unknown> = {
      Key: decode(childText(c, 'Key') ?? ''),
      LastModified: isoTime(childText(c, 'LastModified') ?? ''),
      ETag: childText(c, 'ETag') ?? '',
      Size: Number(childText(c, 'Size') ?? 0),
      StorageClass: childText(c, 'StorageClass') ?? 'STANDARD',
    };
    const checksums = childrenNamed(c, 'ChecksumAlgorithm').map((a) => a.text);
    if (checksums.length > 0) item.ChecksumAlgorithm = checksums;
    const owner = child(c, 'Owner');
    if (owner) {
      item.Owner = Object.fromEntries(
        ['DisplayName', 'ID'].flatMap((k) => {
          const v = childText(owner, k);
          return v === undefined ? [] : [[k, v]];
        }),
      );
    }
    return item as ListedObject;
  });
  const commonPrefixes = childrenNamed(result, 'CommonPrefixes').map((p) => ({
    Prefix: decode(childText(p, 'Prefix') ?? ''),
  }));
  const fields: Record<string, unknown> = {};
  const text = (name: string, f: (s: string) => unknown = (s) => s) => {
    const v = childText(result, name);
    if (v !== undefined) fields[name] = f(v);
  };
  text('IsTruncated', (s) => s.trim() === 'true');
  text('Name');
  text('Prefix', decode);
  text('Delimiter', decode);
  text('MaxKeys', Number);
  text('EncodingType');
  text('KeyCount', Number);
  text('ContinuationToken');
  text('NextContinuationToken');
  text('StartAfter', decode);
  const next = childText(result, 'NextContinuationToken');
  return {
    Contents: contents,
    CommonPrefixes: commonPrefixes,
    IsTruncated: fields.IsTruncated === true,
    ...(next ? { NextContinuationToken: next } : {}),
    fields,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parameters as Step Functions passes them: Body of putObject may be any JSON (sent as its JSON text). */
function bodyText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

class ParameterError extends Error {}

function required(params: Record<string, unknown>, name: string): string {
  const v = params[name];
  if (typeof v !== 'string') {
    throw new ParameterError(
      v === undefined || v === null
        ? `Parameter '${name}' must not be null`
        : `Parameter '${name}' must be a string, not ${Array.isArray(v) ? 'an array' : typeof v}`,
    );
  }
  return v;
}

function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ParameterError(`Parameter '${name}' must be a string`);
  return v;
}

function optionalInt(params: Record<string, unknown>, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ParameterError(`Parameter '${name}' must be an integer`);
  return v;
}

/** `x-amz-meta-*` response headers as the SDK's `Metadata` map. */
function metadataOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((v, k) => {
    if (k.startsWith('x-amz-meta-')) out[k.slice('x-amz-meta-'.length)] = v;
  });
  return out;
}

/** The AWS SDK integration's GetObject output from the response headers and body. */
function getObjectOutput(res: S3Response): Record<string, unknown> {
  const h = res.headers;
  const out: Record<string, unknown> = {};
  const str = (member: string, header: string) => {
    const v = h.get(header);
    if (v !== null) out[member] = v;
  };
  const num = (member: string, header: string) => {
    const v = h.get(header);
    if (v !== null && v.trim() !== '' && Number.isFinite(Number(v))) out[member] = Number(v);
  };
  out.Body = res.body;
  str('AcceptRanges', 'accept-ranges');
  out.ContentLength = h.get('content-length') !== null ? Number(h.get('content-length')) : byteLength(res.body);
  str('ContentType', 'content-type');
  str('ContentEncoding', 'content-encoding');
  str('ContentLanguage', 'content-language');
  str('ContentDisposition', 'content-disposition');
  str('ContentRange', 'content-range');
  str('CacheControl', 'cache-control');
  str('ETag', 'etag');
  const lastModified = h.get('last-modified');
  if (lastModified !== null) out.LastModified = isoTime(lastModified);
  str('Expires', 'expires');
  str('VersionId', 'x-amz-version-id');
  if (h.get('x-amz-delete-marker') === 'true') out.DeleteMarker = true;
  str('StorageClass', 'x-amz-storage-class');
  str('ServerSideEncryption', 'x-amz-server-side-encryption');
  num('TagCount', 'x-amz-tagging-count');
  num('PartsCount', 'x-amz-mp-parts-count');
  out.Metadata = metadataOf(h);
  return out;
}

/** The PutObject members sent as headers. */
const PUT_HEADERS: Readonly<Record<string, string>> = {
  CacheControl: 'cache-control',
  ContentDisposition: 'content-disposition',
  ContentEncoding: 'content-encoding',
  ContentLanguage: 'content-language',
  ContentType: 'content-type',
  Expires: 'expires',
  StorageClass: 'x-amz-storage-class',
  ServerSideEncryption: 'x-amz-server-side-encryption',
  Tagging: 'x-amz-tagging',
  ACL: 'x-amz-acl',
};

/**
 * Answers `arn:aws:states:::s3:getObject|listObjectsV2|putObject` (Map ItemReader/ResultWriter) and their
 * `aws-sdk:s3:` forms from an S3-compatible endpoint. Register it ahead of the generic service forwarder,
 * which names the missing `S3_ENDPOINT` when there is no endpoint and refuses other S3 actions.
 * @public
 */
export function createS3Invoker(options: S3InvokerOptions): TaskInvoker {
  const client = createS3Client(options);
  const maxPages = options.maxListPages ?? 100_000;
  const now = options.now ?? (() => Date.now());
  return {
    name: 's3',
    matches(resource) {
      const r = parseServiceResource(resource);
      return (
        r !== undefined &&
        r.service.toLowerCase() === 's3' &&
        r.pattern === 'request-response' &&
        S3_ACTIONS.includes(r.action)
      );
    },
    async invoke(call: TaskCall, ctx: InvokeContext): Promise<IntegrationOutcome> {
      const r = parseServiceResource(call.resource)!;
      const params = isRecord(call.parameters) ? call.parameters : {};
      const rc: RequestContext = { region: call.region, now: now(), signal: ctx.signal };
      try {
        switch (r.action) {
          case 'getObject': {
            const partNumber = optionalInt(params, 'PartNumber');
            const versionId = optionalString(params, 'VersionId');
            const range = optionalString(params, 'Range');
            const res = await client.getObject(
              {
                bucket: required(params, 'Bucket'),
                key: required(params, 'Key'),
                ...(versionId !== undefined ? { versionId } : {}),
                ...(range !== undefined ? { range } : {}),
                ...(partNumber !== undefined ? { partNumber } : {}),
              },
              rc,
            );
            return { type: 'succeeded', output: r.sdk ? getObjectOutput(res) : res.body };
          }
          case 'listObjectsV2': {
            const bucket = required(params, 'Bucket');
            const prefix = optionalString(params, 'Prefix');
            const delimiter = optionalString(params, 'Delimiter');
            const startAfter = optionalString(params, 'StartAfter');
            const encodingType = optionalString(params, 'EncodingType');
            const maxKeys = optionalInt(params, 'MaxKeys');
            const fetchOwner = params.FetchOwner;
            const page = (continuationToken: string | undefined) =>
              client.listObjectsV2(
                {
                  bucket,
                  ...(prefix !== undefined ? { prefix } : {}),
                  ...(delimiter !== undefined ? { delimiter } : {}),
                  ...(startAfter !== undefined ? { startAfter } : {}),
                  ...(encodingType !== undefined ? { encodingType } : {}),
                  ...(maxKeys !== undefined ? { maxKeys } : {}),
                  ...(typeof fetchOwner === 'boolean' ? { fetchOwner } : {}),
                  ...(continuationToken !== undefined ? { continuationToken } : {}),
                },
                rc,
              );
            if (r.sdk) {
              const one = await page(optionalString(params, 'ContinuationToken'));
              const output: Record<string, unknown> = { ...one.fields };
              if (one.Contents.length > 0) output.Contents = one.Contents;
              if (one.CommonPrefixes.length > 0) output.CommonPrefixes = one.CommonPrefixes;
              return { type: 'succeeded', output };
            }
            // ItemReader: every page, only the members the reader uses.
            const contents: Record<string, unknown>[] = [];
            const seen = new Set<string>();
            let token = optionalString(params, 'ContinuationToken');
            for (let pages = 0; ; pages++) {
              if (pages >= maxPages) {
                throw new S3ClientError(`ListObjectsV2 did not finish within ${maxPages} pages`);
              }
              const p = await page(token);
              for (const o of p.Contents) {
                contents.push({
                  Key: o.Key,
                  Size: o.Size,
                  ETag: o.ETag,
                  LastModified: o.LastModified,
                  StorageClass: o.StorageClass,
                });
              }
              if (!p.IsTruncated || !p.NextContinuationToken) break;
              if (seen.has(p.NextContinuationToken)) {
                throw new S3ClientError(
                  `ListObjectsV2 returned continuation token '${p.NextContinuationToken}' twice; stopping`,
                );
              }
              seen.add(p.NextContinuationToken);
              token = p.NextContinuationToken;
            }
            return { type: 'succeeded', output: { Contents: contents } };
          }
          case 'putObject': {
            const bucket = required(params, 'Bucket');
            const key = required(params, 'Key');
            const body = bodyText(params.Body) ?? '';
            const headers: Record<string, string> = {};
            for (const [member, header] of Object.entries(PUT_HEADERS)) {
              const v = optionalString(params, member);
              if (v !== undefined) headers[header] = v;
            }
            headers['content-type'] ??= 'application/octet-stream';
            if (isRecord(params.Metadata)) {
              for (const [k, v] of Object.entries(params.Metadata)) {
                if (typeof v === 'string') headers[`x-amz-meta-${k.toLowerCase()}`] = v;
              }
            }
            const res = await client.putObject({ bucket, key, body, headers }, rc);
            const etag = res.headers.get('etag') ?? '';
            if (!r.sdk) return { type: 'succeeded', output: { ETag: etag } };
            const output: Record<string, unknown> = { ETag: etag };
            for (const [member, header] of [
              ['VersionId', 'x-amz-version-id'],
              ['ServerSideEncryption', 'x-amz-server-side-encryption'],
              ['Expiration', 'x-amz-expiration'],
            ] as const) {
              const v = res.headers.get(header);
              if (v !== null) output[member] = v;
            }
            return { type: 'succeeded', output };
          }
          default:
            return failed('States.Runtime', `[statecraft] S3 action '${r.action}' is not supported.`);
        }
      } catch (err) {
        if (err instanceof S3ServiceError) {
          const exception = err.code.endsWith('Exception') ? err.code : `${err.code}Exception`;
          const extended = err.extendedRequestId ? `, Extended Request ID: ${err.extendedRequestId}` : '';
          return failed(
            `S3.${exception}`,
            `${err.message} (Service: S3, Status Code: ${err.status}, Request ID: ${err.requestId}${extended})`,
          );
        }
        if (err instanceof S3ClientError || err instanceof ParameterError) {
          return failed('S3.SdkClientException', err.message);
        }
        throw err;
      }
    },
  };
}
