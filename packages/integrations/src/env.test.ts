import { describe, expect, it } from 'vitest';
import { integrationOptionsFromEnv } from './env.js';

const valid = JSON.stringify({ StateMachines: {}, MockedResponses: {} });

describe('integrationOptionsFromEnv', () => {
  it('reads Step Functions Local variable names', async () => {
    const files: Record<string, string> = { '/m.json': valid };
    const opts = await integrationOptionsFromEnv(
      {
        LAMBDA_ENDPOINT: 'http://l:3001',
        SQS_ENDPOINT: 'http://q:9324',
        DYNAMODB_ENDPOINT: 'http://d:8000',
        EVENTBRIDGE_ENDPOINT: 'http://e:1',
        SFN_MOCK_CONFIG: '/m.json',
        AWS_ACCESS_KEY_ID: 'AK',
        AWS_SECRET_ACCESS_KEY: 'SK',
      },
      { readFile: async (p) => files[p]! },
    );
    expect(opts).toEqual({
      lambdaEndpoint: 'http://l:3001',
      serviceEndpoints: { sqs: 'http://q:9324', dynamodb: 'http://d:8000', events: 'http://e:1' },
      mockConfig: valid,
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    });
  });

  it('reads S3_ENDPOINT (a Statecraft addition) as serviceEndpoints.s3', async () => {
    const opts = await integrationOptionsFromEnv({ S3_ENDPOINT: 'http://127.0.0.1:9000' });
    expect(opts).toEqual({ serviceEndpoints: { s3: 'http://127.0.0.1:9000' } });
  });

  it('reports a broken mock file with its path and pointer, and serves without mocks', async () => {
    const problems: string[] = [];
    const opts = await integrationOptionsFromEnv(
      { SFN_MOCK_CONFIG: '/bad.json' },
      {
        readFile: async () => '{"StateMachines": {}, "MockedResponses": {"R": {"1": {"Return": 1}}}}',
        onProblem: (m) => problems.push(m),
      },
    );
    expect(opts.mockConfig).toBeUndefined();
    expect(problems[0]).toContain('/bad.json');
    expect(problems[0]).toContain('at /MockedResponses/R: invocation keys are not consecutively numbered');
  });

  it('reports an unreadable SFN_MOCK_CONFIG', async () => {
    const problems: string[] = [];
    await integrationOptionsFromEnv(
      { SFN_MOCK_CONFIG: '/nope.json' },
      { readFile: async () => Promise.reject(new Error('ENOENT')), onProblem: (m) => problems.push(m) },
    );
    expect(problems[0]).toContain('/nope.json');
  });
});
