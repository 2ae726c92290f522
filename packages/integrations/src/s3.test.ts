import type { TaskCall } from '@statecraft/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegrationInvokers } from './compose.js';
import { createMockInvoker, loadMockConfig } from './mock-config.js';
import { createS3Invoker } from './s3.js';
import { createServiceInvoker } from './services.js';
import { signRequest } from './sigv4.js';
import { type FakeS3, startFakeS3 } from './testing/fixtures/fake-s3.js';

const ctx = { signal: new AbortController().signal, now: () => Date.now() };
const call = (resource: string, parameters: unknown, extra: Partial<TaskCall> = {}): TaskCall => ({
  resource,
  parameters,
  executionArn: 'arn:aws:states:us-east-1:111111111111:execution:m:e',
  stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:m',
  stateName: 'Read',
  region: 'us-east-1',
  accountId: '111111111111',
  attempt: 0,
  ...extra,
});

describe('SigV4 for S3', () => {
  // The examples of https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
  const credentials = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
  const now = Date.UTC(2013, 4, 24);

  it('matches AWS’s GET Object example', async () => {
    const signed = await signRequest({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { range: 'bytes=0-9' },
      body: '',
      region: 'us-east-1',
      service: 's3',
      credentials,
      now,
    });
    expect(signed.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('matches AWS’s GET Bucket (list objects) example', async () => {
    const signed = await signRequest({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J'),
      headers: {},
      body: '',
      region: 'us-east-1',
      service: 's3',
      credentials,
      now,
    });
    expect(signed.authorization).toContain(
      'Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    );
  });
});

describe('S3 invoker', () => {
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await startFakeS3({ pageSize: 2 });
    s3.put('data', 'items.csv', 'id,name\n1,a\n2,b\n', 'text/csv');
    s3.put('data', 'logs/1.json', '[1]');
    s3.put('data', 'logs/2.json', '[2]');
    s3.put('data', 'logs/3.json', '[3]');
    s3.put('data', 'logs/4 é+(x)!*.json', '[4]');
    s3.put('data', 'other.txt', 'x');
  });
  afterAll(() => s3.close());

  const invoker = () => createS3Invoker({ endpoint: s3.url });
  const lastRequest = () => s3.requests[s3.requests.length - 1]!;

  it('matches the ItemReader/ResultWriter resources and the aws-sdk forms it speaks', () => {
    const i = invoker();
    for (const r of [
      'arn:aws:states:::s3:getObject',
      'arn:aws:states:::s3:listObjectsV2',
      'arn:aws:states:::s3:putObject',
      'arn:aws:states:::aws-sdk:s3:getObject',
      'arn:aws:states:::aws-sdk:s3:listObjectsV2',
      'arn:aws:states:::aws-sdk:s3:putObject',
    ]) {
      expect(i.matches(r), r).toBe(true);
    }
    expect(i.matches('arn:aws:states:::aws-sdk:s3:copyObject')).toBe(false);
    expect(i.matches('arn:aws:states:::s3:getObject.waitForTaskToken')).toBe(false);
    expect(i.matches('arn:aws:states:::aws-sdk:dynamodb:getItem')).toBe(false);
  });

  it('getObject (ItemReader) answers the body as a string, signed, path-style', async () => {
    const out = await invoker().invoke(
      call('arn:aws:states:::s3:getObject', { Bucket: 'data', Key: 'items.csv' }),
      ctx,
    );
    expect(out).toEqual({ type: 'succeeded', output: 'id,name\n1,a\n2,b\n' });
    const req = lastRequest();
    expect(req.method).toBe('GET');
    expect(req.url).toBe('/data/items.csv');
    expect(req.signatureValid).toBe(true);
    expect(req.headers.authorization).toMatch(/Credential=test\/\d{8}\/us-east-1\/s3\/aws4_request/);
  });

  it('signs with the configured credentials (the fake checks the signature)', async () => {
    await createS3Invoker({ endpoint: s3.url, credentials: { accessKeyId: 'AK', secretAccessKey: 'other' } }).invoke(
      call('arn:aws:states:::s3:getObject', { Bucket: 'data', Key: 'items.csv' }),
      ctx,
    );
    expect(lastRequest().headers.authorization).toContain('Credential=AK/');
    expect(lastRequest().signatureValid).toBe(false);
  });

  it('signs with the wall clock, not the emulator clock (servers check the time)', async () => {
    const virtual = { signal: ctx.signal, now: () => Date.UTC(2001, 0, 1) };
    await invoker().invoke(call('arn:aws:states:::s3:getObject', { Bucket: 'data', Key: 'items.csv' }), virtual);
    const amzDate = String(lastRequest().headers['x-amz-date']);
    expect(amzDate.slice(0, 4)).toBe(String(new Date().getUTCFullYear()));
  });

  it('getObject passes VersionId as versionId', async () => {
    await invoker().invoke(
      call('arn:aws:states:::s3:getObject', { Bucket: 'data', Key: 'items.csv', VersionId: 'v 1' }),
      ctx,
    );
    expect(lastRequest().url).toBe('/data/items.csv?versionId=v%201');
    expect(lastRequest().signatureValid).toBe(true);
  });

  it('encodes keys as S3 expects and signs what it sends', async () => {
    const out = await invoker().invoke(
      call('arn:aws:states:::s3:getObject', { Bucket: 'data', Key: 'logs/4 é+(x)!*.json' }),
      ctx,
    );
    expect(out).toEqual({ type: 'succeeded', output: '[4]' });
    expect(lastRequest().url).toBe('/data/logs/4%20%C3%A9%2B%28x%29%21%2A.json');
    expect(lastRequest().signatureValid).toBe(true);
  });

  it('aws-sdk:s3:getObject answers the SDK shape', async () => {
    const out = await invoker().invoke(
      call('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: 'data', Key: 'items.csv' }),
      ctx,
    );
    expect(out).toEqual({
      type: 'succeeded',
      output: {
        Body: 'id,name\n1,a\n2,b\n',
        AcceptRanges: 'bytes',
        ContentLength: 16,
        ContentType: 'text/csv',
        ETag: s3.buckets.get('data')!.get('items.csv')!.etag,
        LastModified: '2025-01-02T03:04:05.000Z',
        Metadata: {},
      },
    });
  });

  it('listObjectsV2 (ItemReader) follows NextContinuationToken through every page', async () => {
    const before = s3.requests.length;
    const out = await invoker().invoke(
      call('arn:aws:states:::s3:listObjectsV2', { Bucket: 'data', Prefix: 'logs/' }),
      ctx,
    );
    expect(out.type).toBe('succeeded');
    const contents = (out as { output: { Contents: { Key: string }[] } }).output.Contents;
    expect(contents.map((c) => c.Key)).toEqual(['logs/1.json', 'logs/2.json', 'logs/3.json', 'logs/4 é+(x)!*.json']);
    expect(contents[0]).toEqual({
      Key: 'logs/1.json',
      Size: 3,
      ETag: s3.buckets.get('data')!.get('logs/1.json')!.etag,
      LastModified: '2025-01-02T03:04:05.000Z',
      StorageClass: 'STANDARD',
    });
    const pages = s3.requests.slice(before);
    expect(pages).toHaveLength(2);
    expect(pages[0]!.url).toBe('/data?list-type=2&prefix=logs%2F');
    expect(pages[1]!.url).toMatch(/^\/data\?list-type=2&continuation-token=[^&]+&prefix=logs%2F$/);
    expect(pages.every((p) => p.signatureValid)).toBe(true);
  });

  it('aws-sdk:s3:listObjectsV2 answers one page in the SDK shape', async () => {
    const out = await invoker().invoke(
      call('arn:aws:states:::aws-sdk:s3:listObjectsV2', { Bucket: 'data', Prefix: 'logs/' }),
      ctx,
    );
    expect(out).toMatchObject({
      type: 'succeeded',
      output: {
        Name: 'data',
        Prefix: 'logs/',
        KeyCount: 2,
        MaxKeys: 2,
        IsTruncated: true,
        NextContinuationToken: expect.any(String),
        Contents: [{ Key: 'logs/1.json', Size: 3 }, { Key: 'logs/2.json' }],
      },
    });
  });

  it('putObject (ResultWriter) stores the body and answers {ETag}', async () => {
    const body = JSON.stringify([{ ok: true, name: 'é' }]);
    const out = await invoker().invoke(
      call('arn:aws:states:::s3:putObject', { Bucket: 'data', Key: 'results/run/SUCCEEDED_0.json', Body: body }),
      ctx,
    );
    const stored = s3.buckets.get('data')!.get('results/run/SUCCEEDED_0.json')!;
    expect(stored.body).toBe(body);
    expect(out).toEqual({ type: 'succeeded', output: { ETag: stored.etag } });
    expect(lastRequest().method).toBe('PUT');
    expect(lastRequest().signatureValid).toBe(true);
  });

  it('aws-sdk:s3:putObject sends ContentType and Metadata; a JSON Body is sent as its text', async () => {
    const out = await invoker().invoke(
      call('arn:aws:states:::aws-sdk:s3:putObject', {
        Bucket: 'data',
        Key: 'doc.json',
        Body: { a: 1 },
        ContentType: 'application/json',
        Metadata: { Owner: 'me' },
      }),
      ctx,
    );
    const stored = s3.buckets.get('data')!.get('doc.json')!;
    expect(stored).toMatchObject({ body: '{"a":1}', contentType: 'application/json', metadata: { owner: 'me' } });
    expect(out).toEqual({ type: 'succeeded', output: { ETag: stored.etag } });
    const got = await invoker().invoke(
      call('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: 'data', Key: 'doc.json' }),
      ctx,
    );
    expect(got).toMatchObject({ output: { Body: '{"a":1}', Metadata: { owner: 'me' } } });
  });

  it('maps S3 error documents to S3.<Code>Exception with the SDK v2 cause', async () => {
    const missingKey = await invoker().invoke(
      call('arn:aws:states:::s3:getObject', { Bucket: 'data', Key: 'nope.csv' }),
      ctx,
    );
    expect(missingKey).toEqual({
      type: 'failed',
      error: 'S3.NoSuchKeyException',
      cause: expect.stringMatching(
        /^The specified key does not exist\. \(Service: S3, Status Code: 404, Request ID: REQ\d+, Extended Request ID: host-\d+\)$/,
      ),
    });
    const missingBucket = await invoker().invoke(call('arn:aws:states:::s3:listObjectsV2', { Bucket: 'absent' }), ctx);
    expect(missingBucket).toMatchObject({
      type: 'failed',
      error: 'S3.NoSuchBucketException',
      cause: expect.stringContaining('The specified bucket does not exist (Service: S3, Status Code: 404'),
    });
    const denied = await invoker().invoke(
      call('arn:aws:states:::aws-sdk:s3:putObject', { Bucket: 'private-x', Key: 'k', Body: 'b' }),
      ctx,
    );
    expect(denied).toMatchObject({ type: 'failed', error: 'S3.AccessDeniedException' });
  });

  it('reports bad parameters and unreachable endpoints as S3.SdkClientException', async () => {
    expect(await invoker().invoke(call('arn:aws:states:::s3:getObject', { Bucket: 'data' }), ctx)).toEqual({
      type: 'failed',
      error: 'S3.SdkClientException',
      cause: "Parameter 'Key' must not be null",
    });
    const down = await createS3Invoker({ endpoint: 'http://127.0.0.1:9' }).invoke(
      call('arn:aws:states:::s3:getObject', { Bucket: 'b', Key: 'k' }),
      ctx,
    );
    expect(down).toMatchObject({ type: 'failed', error: 'S3.SdkClientException' });
    expect((down as { cause: string }).cause).toMatch(/^Unable to execute HTTP request/);
  });

  it('keeps an endpoint path prefix and sends dot-segment keys as one segment', async () => {
    const seen: string[] = [];
    const i = createS3Invoker({
      endpoint: 'http://s3.local:9000/prefix/',
      fetch: async (url) => {
        seen.push(String(url));
        return new Response('ok', { status: 200 });
      },
    });
    await i.invoke(call('arn:aws:states:::s3:getObject', { Bucket: 'b', Key: 'a/../etc/passwd' }), ctx);
    await i.invoke(call('arn:aws:states:::s3:getObject', { Bucket: 'b', Key: '/lead//x' }), ctx);
    expect(seen).toEqual([
      'http://s3.local:9000/prefix/b/a%2F..%2Fetc%2Fpasswd',
      'http://s3.local:9000/prefix/b//lead//x',
    ]);
  });

  it('stops when a server repeats a continuation token', async () => {
    const i = createS3Invoker({
      endpoint: 'http://s3.local',
      fetch: async () =>
        new Response(
          '<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>same</NextContinuationToken></ListBucketResult>',
        ),
    });
    const out = await i.invoke(call('arn:aws:states:::s3:listObjectsV2', { Bucket: 'b' }), ctx);
    expect(out).toMatchObject({ type: 'failed', error: 'S3.SdkClientException' });
  });

  it('is wired by createIntegrationInvokers ahead of the service forwarder', async () => {
    const { invokers } = createIntegrationInvokers({ serviceEndpoints: { s3: s3.url } });
    const find = (resource: string) => invokers.find((i) => i.matches(resource))?.name;
    expect(find('arn:aws:states:::s3:getObject')).toBe('s3');
    expect(find('arn:aws:states:::aws-sdk:s3:copyObject')).toBe('aws-services');
    const unsupported = await invokers
      .find((i) => i.matches('arn:aws:states:::aws-sdk:s3:copyObject'))!
      .invoke(call('arn:aws:states:::aws-sdk:s3:copyObject', {}), ctx);
    expect(unsupported).toMatchObject({ type: 'failed', error: 'States.Runtime' });
    expect((unsupported as { cause: string }).cause).toContain('getObject, listObjectsV2, putObject');
  });

  it('without an S3 endpoint, names S3_ENDPOINT and the mock configuration', async () => {
    const { invokers } = createIntegrationInvokers({});
    const i = invokers.find((x) => x.matches('arn:aws:states:::s3:getObject'))!;
    expect(i.name).toBe('aws-services');
    const out = await i.invoke(call('arn:aws:states:::s3:getObject', { Bucket: 'b', Key: 'k' }), ctx);
    expect(out).toMatchObject({ type: 'failed', error: 'States.Runtime' });
    expect((out as { cause: string }).cause).toContain('Set S3_ENDPOINT');
    expect((out as { cause: string }).cause).toContain('SFN_MOCK_CONFIG');
    expect(createServiceInvoker().matches('arn:aws:states:::aws-sdk:s3:putObject')).toBe(true);
  });
});

describe('mocked S3 resources', () => {
  const loaded = loadMockConfig({
    StateMachines: { m: { TestCases: { T: { Read: 'Csv', List: 'Listing', Write: 'Written', Json: 'JsonBody' } } } },
    MockedResponses: {
      Csv: { '0': { Return: 'a,b\n1,2\n' }, '1': { Throw: { Error: 'S3.NoSuchKeyException', Cause: 'gone' } } },
      Listing: { '0': { Return: { Contents: [{ Key: 'k1', Size: 1 }] } } },
      Written: { '0': { Return: { ETag: '"e"' } } },
      JsonBody: { '0': { Return: [{ id: 1 }, { id: 2 }] } },
    },
  });
  if (!loaded.ok) throw new Error('mock configuration did not load');
  const mock = createMockInvoker(loaded.mocks);
  const mocked = (resource: string, stateName: string, attempt = 0) =>
    call(resource, { Bucket: 'b', Key: 'k' }, { stateName, attempt, testCase: 'T' });

  it('answers getObject, listObjectsV2 and putObject with Return and Throw', async () => {
    const read = mocked('arn:aws:states:::s3:getObject', 'Read');
    expect(mock.matches(read.resource, read)).toBe(true);
    expect(await mock.invoke(read, ctx)).toEqual({ type: 'succeeded', output: 'a,b\n1,2\n' });
    expect(await mock.invoke(mocked('arn:aws:states:::s3:getObject', 'Read', 1), ctx)).toEqual({
      type: 'failed',
      error: 'S3.NoSuchKeyException',
      cause: 'gone',
    });
    expect(await mock.invoke(mocked('arn:aws:states:::s3:listObjectsV2', 'List'), ctx)).toEqual({
      type: 'succeeded',
      output: { Contents: [{ Key: 'k1', Size: 1 }] },
    });
    expect(await mock.invoke(mocked('arn:aws:states:::s3:putObject', 'Write'), ctx)).toEqual({
      type: 'succeeded',
      output: { ETag: '"e"' },
    });
  });

  it('answers an ItemReader getObject mocked with JSON as that JSON’s text (the body is a string)', async () => {
    expect(await mock.invoke(mocked('arn:aws:states:::s3:getObject', 'Json'), ctx)).toEqual({
      type: 'succeeded',
      output: '[{"id":1},{"id":2}]',
    });
    expect(await mock.invoke(mocked('arn:aws:states:::aws-sdk:s3:getObject', 'Json'), ctx)).toEqual({
      type: 'succeeded',
      output: [{ id: 1 }, { id: 2 }],
    });
  });
});
