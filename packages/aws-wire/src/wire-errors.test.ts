/**
 * Wire errors as AWS sends them, table-driven over raw requests to `handle()`, plus the same errors seen
 * through the real SDK client.
 */
import {
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { createRequestHandler } from './smithy/index.js';
import { createStatecraft } from './statecraft.js';

const sc = createStatecraft();

function post(target: string | undefined, body: string, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0', ...extra };
  if (target !== undefined) headers['x-amz-target'] = target;
  return sc.handle(new Request('http://localhost:8083/', { method: 'POST', headers, body }));
}

describe('raw wire errors', () => {
  it.each([
    {
      name: 'unknown operation',
      target: 'AWSStepFunctions.NoSuchThing',
      body: '{}',
      status: 400,
      type: 'UnknownOperationException',
    },
    {
      name: 'unknown service prefix',
      target: 'Nope.ListStateMachines',
      body: '{}',
      status: 400,
      type: 'UnknownOperationException',
    },
    { name: 'no target header', target: undefined, body: '{}', status: 400, type: 'UnknownOperationException' },
    {
      name: 'body not JSON',
      target: 'AWSStepFunctions.ListStateMachines',
      body: '{nope',
      status: 400,
      type: 'SerializationException',
    },
    {
      name: 'binary body',
      target: 'AWSStepFunctions.ListStateMachines',
      body: '\u0000\u00ff\u0001',
      status: 400,
      type: 'SerializationException',
    },
    {
      name: 'JSON array body',
      target: 'AWSStepFunctions.ListStateMachines',
      body: '[]',
      status: 400,
      type: 'SerializationException',
    },
    {
      name: 'wrong member type',
      target: 'AWSStepFunctions.ListStateMachines',
      body: '{"maxResults":"ten"}',
      status: 400,
      type: 'SerializationException',
    },
    {
      name: 'missing required member',
      target: 'AWSStepFunctions.DescribeExecution',
      body: '{}',
      status: 400,
      type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'range constraint',
      target: 'AWSStepFunctions.ListStateMachines',
      body: '{"maxResults":1001}',
      status: 400,
      type: 'ValidationException',
      message:
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    },
  ])('$name → $type', async ({ target, body, status, type, message }) => {
    const res = await post(target, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const json = (await res.json()) as Record<string, unknown>;
    expect(String(json.__type).split('#').pop()).toBe(type);
    if (message !== undefined) expect(json.message).toBe(message);
  });

  it('accepts an empty body as {} and a content-type with parameters', async () => {
    const res = await post('AWSStepFunctions.ListStateMachines', '', {
      'content-type': 'application/x-amz-json-1.0; charset=utf-8',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stateMachines: [] });
  });

  it('accepts the legacy SWF target prefix', async () => {
    const res = await post(
      'com.amazonaws.swf.service.model.SimpleWorkflowService.ListDomains',
      '{"registrationStatus":"REGISTERED"}',
      { 'content-type': 'application/json; charset=UTF-8', 'content-encoding': 'amz-1.0' },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ domainInfos: [] });
  });

  it('serves the admin endpoints', async () => {
    const health = await sc.handle(new Request('http://localhost:8083/_statecraft/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const reset = await sc.handle(new Request('http://localhost:8083/_statecraft/reset', { method: 'POST' }));
    expect(reset.status).toBe(200);
  });
});

describe('wire errors through the SDK', () => {
  const sfn = new SFNClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 's' },
    requestHandler: createRequestHandler(sc),
    maxAttempts: 1,
  });

  it.each([
    {
      name: 'malformed ARN → InvalidArn',
      run: () => sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'invalid_state_machine_arn' })),
      error: { name: 'InvalidArn', message: "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'" },
    },
    {
      name: 'unknown state machine → StateMachineDoesNotExist',
      run: () =>
        sfn.send(
          new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x' }),
        ),
      error: {
        name: 'StateMachineDoesNotExist',
        message: "State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:x'",
      },
    },
    {
      name: 'missing required member → ValidationException',
      run: () => sfn.send(new DescribeStateMachineCommand({} as never)),
      error: {
        name: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
      },
    },
    {
      name: 'enum constraint → ValidationException',
      run: () =>
        sfn.send(
          new ListExecutionsCommand({
            stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x',
            statusFilter: 'NOPE' as never,
          }),
        ),
      error: { name: 'ValidationException' },
    },
  ])('$name', async ({ run, error }) => {
    await expect(run()).rejects.toMatchObject({ ...error, $fault: 'client', $metadata: { httpStatusCode: 400 } });
  });
});
