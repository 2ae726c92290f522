/**
 * Cross-SDK: a boto3 Step Functions client against the HTTP server. Skipped, saying why, where python3 with
 * boto3 is not installed.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, serve } from './node/index.js';
import { createStatecraft, type Statecraft } from './statecraft.js';

const probe = spawnSync('python3', ['-c', 'import boto3; print(boto3.__version__)'], { encoding: 'utf8' });
const hasBoto3 = probe.status === 0;
if (!hasBoto3) console.warn('[statecraft] boto3 tests skipped: python3 with boto3 is not installed');

const script = String.raw`
import json, sys, time, boto3
from botocore.config import Config
sfn = boto3.client('stepfunctions', endpoint_url=sys.argv[1], region_name='us-east-1',
                   aws_access_key_id='local', aws_secret_access_key='local',
                   config=Config(retries={'max_attempts': 1}, inject_host_prefix=False))
definition = json.dumps({'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'Result': {'ok': True}, 'End': True}}})
arn = sfn.create_state_machine(name='py', definition=definition, roleArn='arn:aws:iam::123456789012:role/r')['stateMachineArn']
ex = sfn.start_execution(stateMachineArn=arn, name='py-1', input='{}')['executionArn']
for _ in range(200):
    d = sfn.describe_execution(executionArn=ex)
    if d['status'] != 'RUNNING': break
    time.sleep(0.01)
events = sfn.get_execution_history(executionArn=ex)['events']
try:
    sfn.describe_state_machine(stateMachineArn=arn + 'x')
    err = None
except sfn.exceptions.StateMachineDoesNotExist as e:
    err = e.response['Error']
print(json.dumps({'status': d['status'], 'output': d['output'], 'types': [e['type'] for e in events], 'error': err}))
`;

describe.skipIf(!hasBoto3)('boto3 against statecraft serve', () => {
  let sc: Statecraft;
  let server: RunningServer;
  beforeAll(async () => {
    sc = createStatecraft();
    server = await serve(sc, { port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await sc.close();
  });

  it('creates and runs a state machine and gets modelled errors', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn('python3', ['-c', script, server.url]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    expect(err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(out) as Record<string, unknown>;
    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: '{"ok":true}',
      types: ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      error: {
        Code: 'StateMachineDoesNotExist',
        Message: "State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:pyx'",
      },
    });
  });
});
