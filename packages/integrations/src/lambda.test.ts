import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TaskCall } from '@statecraft/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEndpointLambdaBackend,
  createInProcessLambdaBackend,
  createLambdaInvoker,
  LambdaFunctionError,
  rawLambdaPayload,
} from './lambda.js';

const ctx = { signal: new AbortController().signal, now: () => Date.UTC(2025, 0, 1) };
const call = (resource: string, parameters: unknown, extra: Partial<TaskCall> = {}): TaskCall => ({
  resource,
  parameters,
  executionArn: 'arn:aws:states:us-east-1:111111111111:execution:m:e',
  stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:m',
  stateName: 'T',
  region: 'us-east-1',
  accountId: '111111111111',
  attempt: 0,
  ...extra,
});
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:111111111111:function:${name}`;

describe('in-process Lambda', () => {
  const backend = createInProcessLambdaBackend({
    id: { handler: (_event: unknown, c) => rawLambdaPayload(c.rawEvent || '{}') },
    pyId: { handler: (event: unknown) => event, runtime: 'python3.12' },
    nodeFail: async () => {
      const err = new Error('nope');
      err.name = 'ValidationError';
      throw err;
    },
    pyFail: {
      handler: () => {
        throw new LambdaFunctionError('Exception', 'Some exception was raised.', { stackTrace: ['  File "x"\n'] });
      },
      runtime: 'python3.12',
    },
    slow: { handler: () => new Promise((r) => setTimeout(() => r(1), 2_000)), timeoutSeconds: 0.05 },
    ctx: (_e: unknown, c) => ({
      name: c.functionName,
      arn: c.invokedFunctionArn,
      left: c.getRemainingTimeInMillis() > 0,
    }),
  });
  const invoker = createLambdaInvoker({ backend });

  it('matches direct function ARNs, lambda:invoke and aws-sdk:lambda:invoke, not other integrations', () => {
    expect(invoker.matches(fnArn('id'))).toBe(true);
    expect(invoker.matches(`${fnArn('id')}:prod`)).toBe(true);
    expect(invoker.matches('arn:aws:states:::lambda:invoke')).toBe(true);
    expect(invoker.matches('arn:aws:states:::lambda:invoke.waitForTaskToken')).toBe(true);
    expect(invoker.matches('arn:aws:states:::aws-sdk:lambda:invoke')).toBe(true);
    expect(invoker.matches('arn:aws:states:::aws-sdk:lambda:invoke.waitForTaskToken')).toBe(true);
    expect(invoker.matches('arn:aws:states:::aws-sdk:lambda:getFunction')).toBe(false);
    expect(invoker.matches('arn:aws:states:::sqs:sendMessage')).toBe(false);
  });

  it('returns the payload for a direct ARN', async () => {
    expect(await invoker.invoke(call(fnArn('pyId'), { a: [1, 2] }), ctx)).toEqual({
      type: 'succeeded',
      output: { a: [1, 2] },
    });
  });

  it('returns the Invoke response object for lambda:invoke, sized as the runtime writes it', async () => {
    const out = await invoker.invoke(
      call('arn:aws:states:::lambda:invoke', { FunctionName: 'pyId', Payload: { body: 'string body' } }),
      ctx,
    );
    expect(out.type).toBe('succeeded');
    const r = (out as { output: Record<string, any> }).output;
    expect(r.StatusCode).toBe(200);
    expect(r.ExecutedVersion).toBe('$LATEST');
    expect(r.Payload).toEqual({ body: 'string body' });
    expect(r.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe('23');
    expect(r.SdkHttpMetadata.AllHttpHeaders['Content-Length']).toEqual(['23']);
    expect(r.SdkResponseMetadata.RequestId).toBe(r.SdkHttpMetadata.HttpHeaders['x-amzn-RequestId']);
  });

  it('sends string payloads as raw bytes and no payload as an empty one', async () => {
    const raw = await invoker.invoke(
      call('arn:aws:states:::lambda:invoke', { FunctionName: 'id', Payload: '0.0' }),
      ctx,
    );
    expect((raw as { output: any }).output.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe('3');
    const none = await invoker.invoke(
      call('arn:aws:states:::lambda:invoke', { FunctionName: 'id', Payload: null }),
      ctx,
    );
    expect((none as { output: any }).output.Payload).toEqual({});
  });

  it('adds LogResult for LogType Tail', async () => {
    const out = await invoker.invoke(
      call('arn:aws:states:::lambda:invoke', { FunctionName: 'id', Payload: {}, LogType: 'Tail' }),
      ctx,
    );
    const r = (out as { output: any }).output;
    expect(atob(r.LogResult)).toContain('START RequestId:');
    expect(r.SdkHttpMetadata.HttpHeaders['X-Amz-Log-Result']).toBe(r.LogResult);
  });

  it('fails with errorType and the error document (Node.js and Python shapes)', async () => {
    const node = await invoker.invoke(call(fnArn('nodeFail'), {}), ctx);
    expect(node).toMatchObject({ type: 'failed', error: 'ValidationError' });
    expect(JSON.parse((node as { cause: string }).cause)).toMatchObject({
      errorType: 'ValidationError',
      errorMessage: 'nope',
    });
    const py = await invoker.invoke(call(fnArn('pyFail'), {}), ctx);
    expect((py as { cause: string }).cause).toMatch(
      /^\{"errorMessage": "Some exception was raised\.", "errorType": "Exception", "requestId": "[0-9a-f-]{36}", "stackTrace": \[" {2}File \\"x\\"\\n"\]\}$/,
    );
    const viaInvoke = await invoker.invoke(call('arn:aws:states:::lambda:invoke', { FunctionName: 'pyFail' }), ctx);
    expect((viaInvoke as { cause: string }).cause).toMatch(
      /^\{"errorMessage":"Some exception was raised\.","errorType":"Exception"/,
    );
  });

  it('answers aws-sdk:lambda:invoke with the API output: Payload as text, FunctionError as data', async () => {
    const ok = await invoker.invoke(
      call('arn:aws:states:::aws-sdk:lambda:invoke', { FunctionName: 'pyId', Payload: { body: 'string body' } }),
      ctx,
    );
    expect(ok).toEqual({
      type: 'succeeded',
      output: { ExecutedVersion: '$LATEST', Payload: '{"body": "string body"}', StatusCode: 200 },
    });
    const fnError = await invoker.invoke(
      call('arn:aws:states:::aws-sdk:lambda:invoke', { FunctionName: 'nodeFail', Payload: {} }),
      ctx,
    );
    expect(fnError.type).toBe('succeeded');
    const r = (fnError as { output: Record<string, any> }).output;
    expect(r).toMatchObject({ ExecutedVersion: '$LATEST', FunctionError: 'Unhandled', StatusCode: 200 });
    expect(JSON.parse(r.Payload)).toMatchObject({ errorType: 'ValidationError', errorMessage: 'nope' });
    expect(r.SdkHttpMetadata).toBeUndefined();
    const missing = await invoker.invoke(
      call('arn:aws:states:::aws-sdk:lambda:invoke', { FunctionName: 'ghost' }),
      ctx,
    );
    expect(missing).toMatchObject({ type: 'failed', error: 'Lambda.ResourceNotFoundException' });
    expect((missing as { cause: string }).cause).toMatch(
      /^Function not found: arn:aws:lambda:us-east-1:111111111111:function:ghost:\$LATEST \(Service: Lambda, Status Code: 404, Request ID: [0-9a-f-]{36}\)$/,
    );
  });

  it('times out a function with a timeout', async () => {
    const out = await invoker.invoke(call(fnArn('slow'), {}), ctx);
    expect(out).toMatchObject({ type: 'failed', error: 'Sandbox.Timedout' });
  });

  it('gives handlers a Lambda context', async () => {
    const out = await invoker.invoke(call(`${fnArn('ctx')}:live`, {}), ctx);
    expect(out).toEqual({ type: 'succeeded', output: { name: 'ctx', arn: `${fnArn('ctx')}:live`, left: true } });
  });

  it('answers unknown functions and bad payloads as Lambda does', async () => {
    const missing = await invoker.invoke(call('arn:aws:states:::lambda:invoke', { FunctionName: 'ghost' }), ctx);
    expect(missing).toMatchObject({ type: 'failed', error: 'Lambda.ResourceNotFoundException' });
    expect((missing as { cause: string }).cause).toMatch(
      /^Function not found: arn:aws:lambda:us-east-1:111111111111:function:ghost:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: .+; Proxy: null\)$/,
    );
    const bad = await invoker.invoke(
      call('arn:aws:states:::lambda:invoke', { FunctionName: 'id', Payload: 'not json' }),
      ctx,
    );
    expect(bad).toMatchObject({ type: 'failed', error: 'Lambda.InvalidRequestContentException' });
  });

  it('keeps a callback task pending and reports the Invoke response as submitted', async () => {
    const submitted: unknown[] = [];
    const out = await invoker.invoke(
      call(
        'arn:aws:states:::lambda:invoke.waitForTaskToken',
        { FunctionName: 'pyId', Payload: { token: 't' } },
        { taskToken: 't' },
      ),
      { ...ctx, submitted: (o: unknown) => submitted.push(o) } as typeof ctx,
    );
    expect(out.type).toBe('pending');
    expect(submitted).toHaveLength(1);
    expect((submitted[0] as { Payload: unknown }).Payload).toEqual({ token: 't' });
  });
});

describe('Lambda endpoint (LAMBDA_ENDPOINT)', () => {
  let server: Server;
  let endpoint: string;
  const seen: { url: string; headers: Record<string, unknown>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body });
        const fn = decodeURIComponent(/functions\/([^/]+)\/invocations/.exec(req.url ?? '')?.[1] ?? '');
        const name = fn.split(':function:').pop()!.split(':')[0];
        if (name === 'missing') {
          res.writeHead(404, {
            'content-type': 'application/json',
            'x-amzn-errortype': 'ResourceNotFoundException',
            'x-amzn-requestid': 'req-404',
          });
          res.end(
            JSON.stringify({
              Type: 'User',
              message: 'Function not found: arn:aws:lambda:us-east-1:111111111111:function:missing',
            }),
          );
        } else if (name === 'fails') {
          res.writeHead(200, {
            'content-type': 'application/json',
            'x-amz-function-error': 'Unhandled',
            'x-amz-executed-version': '$LATEST',
          });
          res.end(JSON.stringify({ errorType: 'Boom', errorMessage: 'bang' }));
        } else {
          res.writeHead(200, {
            'content-type': 'application/json',
            'x-amz-executed-version': '$LATEST',
            'x-amzn-requestid': 'req-1',
          });
          res.end(body === '' ? '{}' : body);
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('invokes through @aws-sdk/client-lambda and maps responses and errors', async () => {
    const invoker = createLambdaInvoker({ backend: createEndpointLambdaBackend({ endpoint }) });
    const ok = await invoker.invoke(
      call('arn:aws:states:::lambda:invoke', { FunctionName: 'echo', Payload: { a: 1 } }),
      ctx,
    );
    expect(ok).toMatchObject({ type: 'succeeded', output: { Payload: { a: 1 }, StatusCode: 200 } });
    expect(seen[0]!.url).toContain('/functions/echo/invocations');
    expect(String(seen[0]!.headers.authorization)).toContain('/us-east-1/lambda/aws4_request');
    const failedFn = await invoker.invoke(call(fnArn('fails'), {}), ctx);
    expect(failedFn).toMatchObject({ type: 'failed', error: 'Boom' });
    const missing = await invoker.invoke(call(fnArn('missing'), {}), ctx);
    expect(missing).toMatchObject({ type: 'failed', error: 'Lambda.ResourceNotFoundException' });
    expect((missing as { cause: string }).cause).toContain('Status Code: 404; Error Code: ResourceNotFoundException');
  });

  it('reports an unreachable endpoint as Lambda.SdkClientException', async () => {
    const invoker = createLambdaInvoker({ backend: createEndpointLambdaBackend({ endpoint: 'http://127.0.0.1:9' }) });
    const out = await invoker.invoke(call(fnArn('x'), {}), ctx);
    expect(out).toMatchObject({ type: 'failed', error: 'Lambda.SdkClientException' });
  });
});
