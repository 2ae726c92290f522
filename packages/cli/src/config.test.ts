import { describe, expect, it } from 'vitest';
import { ConfigError, resolveServeConfig } from './config.js';

describe('resolveServeConfig', () => {
  it.each([
    {
      name: 'defaults',
      argv: [],
      env: {},
      want: { host: '127.0.0.1', port: 8083, accountId: '123456789012', region: 'us-east-1' },
    },
    {
      name: 'flags',
      argv: ['--host', '0.0.0.0', '--port=9000', '--account-id', '111111111111', '--region', 'eu-west-1'],
      env: {},
      want: { host: '0.0.0.0', port: 9000, accountId: '111111111111', region: 'eu-west-1' },
    },
    {
      name: 'Step Functions Local environment names',
      argv: [],
      env: { AWS_ACCOUNT_ID: '222222222222', AWS_DEFAULT_REGION: 'ap-south-1', WAIT_TIME_SCALE: '0.5' },
      want: { accountId: '222222222222', region: 'ap-south-1', waitTimeScale: 0.5 },
    },
    {
      name: 'STATECRAFT_* beats the Step Functions Local names',
      argv: [],
      env: { AWS_ACCOUNT_ID: '222222222222', STATECRAFT_ACCOUNT_ID: '333333333333', STATECRAFT_PORT: '1234' },
      want: { accountId: '333333333333', port: 1234 },
    },
    {
      name: 'a flag beats the environment',
      argv: ['--region', 'us-west-2'],
      env: { STATECRAFT_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-central-1' },
      want: { region: 'us-west-2' },
    },
  ])('$name', ({ argv, env, want }) => {
    expect(resolveServeConfig(argv, env)).toMatchObject(want);
  });

  it.each([
    { argv: ['--port', 'x'], message: "Port 'x' is not a port number" },
    { argv: ['--account-id', '12'], message: "Account id '12' must be 12 digits." },
    { argv: ['--region', 'mars'], message: "Region 'mars' is not an AWS region name." },
    { argv: ['--nope', '1'], message: "Unknown flag '--nope'" },
    { argv: ['--port'], message: "Flag '--port' needs a value." },
  ])('rejects $argv', ({ argv, message }) => {
    expect(() => resolveServeConfig(argv, {})).toThrow(ConfigError);
    expect(() => resolveServeConfig(argv, {})).toThrow(message);
  });
});

describe('storage and poll settings', () => {
  it.each([
    { argv: [], env: {}, want: { storage: 'memory' } },
    { argv: ['--storage', 'sqlite:./x.db'], env: {}, want: { storage: 'sqlite:./x.db' } },
    { argv: [], env: { STATECRAFT_STORAGE: 'postgres://u@h/db' }, want: { storage: 'postgres://u@h/db' } },
    {
      argv: ['--activity-poll-timeout', '0'],
      env: { STATECRAFT_SWF_POLL_TIMEOUT: '5' },
      want: { activityPollTimeoutSeconds: 0, swfPollTimeoutSeconds: 5 },
    },
  ])('$argv $env', ({ argv, env, want }) => {
    expect(resolveServeConfig(argv, env)).toMatchObject(want);
  });

  it('rejects a negative poll timeout', () => {
    expect(() => resolveServeConfig(['--swf-poll-timeout', '-1'], {})).toThrow(ConfigError);
  });
});
