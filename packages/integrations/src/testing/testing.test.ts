import type { TaskCall } from '@statecraft/engine';
import { describe, expect, it } from 'vitest';
import { createInProcessLambdaBackend, createLambdaInvoker } from '../lambda.js';
import { createCorpusLambdaFunctions, pythonStr } from './index.js';

const ctx = { signal: new AbortController().signal, now: () => 0 };
const invoke = (parameters: unknown): TaskCall => ({
  resource: 'arn:aws:states:::lambda:invoke',
  parameters,
  executionArn: 'e',
  stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:m',
  stateName: 'T',
  region: 'us-east-1',
  accountId: '111111111111',
  attempt: 0,
});

describe('corpus functions', () => {
  const invoker = createLambdaInvoker({
    backend: createInProcessLambdaBackend(
      createCorpusLambdaFunctions({
        id: { behaviour: 'identity', runtime: 'python3.12' },
        deco: { behaviour: 'decorate-input', runtime: 'python3.12' },
        raise: { behaviour: 'raise', runtime: 'python3.12' },
      }),
    ),
  });
  const length = async (p: unknown) =>
    ((await invoker.invoke(invoke(p), ctx)) as { output: any }).output.SdkHttpMetadata.HttpHeaders['Content-Length'];

  it('answers with the bytes the recorded Python functions produced', async () => {
    expect(await length({ FunctionName: 'id', Payload: { body: 'string body' } })).toBe('23');
    expect(await length({ FunctionName: 'id', Payload: '0.0' })).toBe('3');
    expect(await length({ FunctionName: 'deco', Payload: ['string-literal'] })).toBe('32');
  });

  it('raises the recorded exception', async () => {
    const out = await invoker.invoke(invoke({ FunctionName: 'raise' }), ctx);
    expect(out).toMatchObject({ type: 'failed', error: 'Exception' });
  });

  it('formats values as Python str()', () => {
    expect(pythonStr({ a: [1, true, null, "it's"] })).toBe(`{'a': [1, True, None, "it's"]}`);
  });
});
