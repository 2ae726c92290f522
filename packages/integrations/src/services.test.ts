import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TaskCall } from '@statecraft/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceInvoker } from './services.js';

const ctx = { signal: new AbortController().signal, now: () => Date.UTC(2025, 0, 1) };
const call = (resource: string, parameters: unknown): TaskCall => ({
  resource,
  parameters,
  executionArn: 'arn:aws:states:us-east-1:111111111111:execution:m:e',
  stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:m',
  stateName: 'Svc',
  region: 'us-east-1',
  accountId: '111111111111',
  attempt: 0,
});

interface Seen {
  target?: string;
  contentType?: string;
  authorization?: string;
  body: string;
}

describe('service forwarding', () => {
  let server: Server;
  let endpoint: string;
  const seen: Seen[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const target = req.headers['x-amz-target'] as string | undefined;
        seen.push({
          ...(target !== undefined ? { target } : {}),
          contentType: req.headers['content-type'] as string,
          authorization: req.headers.authorization as string,
          body,
        });
        if (target === 'DynamoDB_20120810.GetItem') {
          const key = JSON.parse(body).Key.id.S;
          if (key === 'missing-table') {
            res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'R1' });
            res.end(
              JSON.stringify({
                __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
                message: 'Requested resource not found',
              }),
            );
            return;
          }
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'R2' });
          res.end(JSON.stringify({ Item: { id: { S: key } } }));
        } else if (target === 'AWSStepFunctions.DescribeStateMachine') {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ stateMachineArn: JSON.parse(body).stateMachineArn, name: 'x' }));
        } else if (target === 'AmazonSQS.SendMessage') {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'R3' });
          res.end(JSON.stringify({ MD5OfMessageBody: 'md5', MessageId: 'mid' }));
        } else if (!target) {
          const form = new URLSearchParams(body);
          if (form.get('TopicArn') === 'nope') {
            res.writeHead(404, { 'content-type': 'text/xml' });
            res.end(
              '<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>R4</RequestId></ErrorResponse>',
            );
            return;
          }
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(
            '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>R5</RequestId></ResponseMetadata></PublishResponse>',
          );
        } else {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'UnknownOperationException' }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const invoker = () =>
    createServiceInvoker({ endpoints: { dynamodb: endpoint, sqs: endpoint, sns: endpoint, sfn: endpoint } });

  it('forwards optimised awsJson integrations and adds the SDK metadata', async () => {
    const out = await invoker().invoke(
      call('arn:aws:states:::dynamodb:getItem', { TableName: 't', Key: { id: { S: 'k1' } } }),
      ctx,
    );
    expect(out).toMatchObject({
      type: 'succeeded',
      output: { Item: { id: { S: 'k1' } }, SdkResponseMetadata: { RequestId: 'R2' } },
    });
    const last = seen[seen.length - 1]!;
    expect(last.target).toBe('DynamoDB_20120810.GetItem');
    expect(last.contentType).toBe('application/x-amz-json-1.0');
    expect(last.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/20250101\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=.+, Signature=[0-9a-f]{64}$/,
    );
  });

  it('serialises a non-string SQS MessageBody as JSON text, as Step Functions does', async () => {
    await invoker().invoke(call('arn:aws:states:::sqs:sendMessage', { QueueUrl: 'q', MessageBody: { a: 1 } }), ctx);
    expect(JSON.parse(seen[seen.length - 1]!.body)).toEqual({ QueueUrl: 'q', MessageBody: '{"a":1}' });
  });

  it('maps service errors to <Service>.<Exception> with the Java SDK cause', async () => {
    const out = await invoker().invoke(
      call('arn:aws:states:::dynamodb:getItem', { TableName: 't', Key: { id: { S: 'missing-table' } } }),
      ctx,
    );
    expect(out).toEqual({
      type: 'failed',
      error: 'DynamoDB.ResourceNotFoundException',
      cause:
        'Requested resource not found (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: R1; Proxy: null)',
    });
    const sdk = await invoker().invoke(
      call('arn:aws:states:::aws-sdk:dynamodb:getItem', { TableName: 't', Key: { id: { S: 'missing-table' } } }),
      ctx,
    );
    expect(sdk).toMatchObject({ type: 'failed', error: 'DynamoDb.ResourceNotFoundException' });
  });

  it('speaks awsQuery to SNS', async () => {
    const out = await invoker().invoke(
      call('arn:aws:states:::sns:publish', { TopicArn: 'arn:t', Message: { hi: 1 } }),
      ctx,
    );
    expect(out).toMatchObject({
      type: 'succeeded',
      output: { MessageId: 'm-1', SdkResponseMetadata: { RequestId: 'R5' } },
    });
    const form = new URLSearchParams(seen[seen.length - 1]!.body);
    expect(Object.fromEntries(form)).toEqual({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: 'arn:t',
      Message: '{"hi":1}',
    });
    const missing = await invoker().invoke(
      call('arn:aws:states:::sns:publish', { TopicArn: 'nope', Message: 'x' }),
      ctx,
    );
    expect(missing).toMatchObject({ type: 'failed', error: 'SNS.NotFoundException' });
  });

  it('converts member casing for camelCase services (aws-sdk:sfn)', async () => {
    const out = await invoker().invoke(
      call('arn:aws:states:::aws-sdk:sfn:describeStateMachine', { StateMachineArn: 'arn:sm' }),
      ctx,
    );
    expect(out).toEqual({ type: 'succeeded', output: { StateMachineArn: 'arn:sm', Name: 'x' } });
  });

  it('names the missing configuration when no endpoint is set', async () => {
    const out = await createServiceInvoker().invoke(call('arn:aws:states:::sqs:sendMessage', { QueueUrl: 'q' }), ctx);
    expect(out).toMatchObject({ type: 'failed', error: 'States.Runtime' });
    expect((out as { cause: string }).cause).toContain('Set SQS_ENDPOINT');
  });

  it('leaves callback tasks with no endpoint to SendTask*', () => {
    expect(createServiceInvoker().matches('arn:aws:states:::sqs:sendMessage.waitForTaskToken')).toBe(false);
    expect(invoker().matches('arn:aws:states:::sqs:sendMessage.waitForTaskToken')).toBe(true);
    expect(createServiceInvoker().matches('arn:aws:states:us-east-1:111111111111:activity:a')).toBe(false);
  });

  it('reports an unreachable endpoint as <Service>.SdkClientException', async () => {
    const out = await createServiceInvoker({ endpoints: { sqs: 'http://127.0.0.1:9' } }).invoke(
      call('arn:aws:states:::sqs:sendMessage', { QueueUrl: 'q', MessageBody: 'm' }),
      ctx,
    );
    expect(out).toMatchObject({ type: 'failed', error: 'SQS.SdkClientException' });
  });
});
