/**
 * The page script of the browser end-to-end test (bundled by esbuild for the browser, run in Chromium).
 *
 * The whole emulator runs in this page. The unmodified `@aws-sdk/client-sfn` (its browser build, with the
 * fetch-based request handler) talks to it:
 *   1. through an MSW Service Worker (`setupWorker` from `msw/browser`): the SDK fetches its default AWS
 *      endpoint `https://states.us-east-1.amazonaws.com/`, the worker hands the request back to this page,
 *      and `createMswHandlers` answers it from the Statecraft instance;
 *   2. with the worker stopped, through `createRequestHandler` from `@statecraft/aws-wire/smithy`: no fetch at all;
 *   3. an error path through both: DescribeStateMachine of a missing ARN.
 * Results go to `window.__result` (and progress to the console), for the test to read.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { createStatecraft } from '@statecraft/aws-wire';
import { createMswHandlers } from '@statecraft/aws-wire/msw';
import { createRequestHandler } from '@statecraft/aws-wire/smithy';
import { setupWorker } from 'msw/browser';

const region = 'us-east-1';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const roleArn = 'arn:aws:iam::123456789012:role/statecraft-role';
const definition = JSON.stringify({
  StartAt: 'Hello',
  States: {
    Hello: { Type: 'Pass', Result: { greeting: 'hi' }, ResultPath: '$.result', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
});

const log = (...args: unknown[]) => console.log('[page]', ...args);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runMachine(client: SFNClient, name: string) {
  const created = await client.send(new CreateStateMachineCommand({ name, definition, roleArn }));
  const stateMachineArn = created.stateMachineArn!;
  const started = await client.send(
    new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: JSON.stringify({ from: name }) }),
  );
  const executionArn = started.executionArn!;
  let described = await client.send(new DescribeExecutionCommand({ executionArn }));
  let polls = 1;
  const deadline = Date.now() + 10_000;
  while (described.status === 'RUNNING' && Date.now() < deadline) {
    await sleep(20);
    described = await client.send(new DescribeExecutionCommand({ executionArn }));
    polls++;
  }
  const history = await client.send(new GetExecutionHistoryCommand({ executionArn }));
  const events = history.events ?? [];
  return {
    stateMachineArn,
    creationDateIsDate: created.creationDate instanceof Date,
    executionArn,
    startDateIsDate: started.startDate instanceof Date,
    status: described.status,
    input: described.input,
    output: described.output,
    polls,
    events: events.map((e) => [e.id, e.previousEventId, e.type]),
    timestampsAreDates: events.every((e) => e.timestamp instanceof Date),
    startedInput: events[0]?.executionStartedEventDetails?.input,
    succeededOutput: events.at(-1)?.executionSucceededEventDetails?.output,
  };
}

async function missingMachine(client: SFNClient) {
  const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:does-not-exist';
  try {
    await client.send(new DescribeStateMachineCommand({ stateMachineArn }));
    return { threw: false as const, stateMachineArn };
  } catch (err) {
    const e = err as Error & { $fault?: string; $metadata?: { httpStatusCode?: number } };
    return {
      threw: true as const,
      stateMachineArn,
      name: e.name,
      message: e.message,
      fault: e.$fault,
      httpStatusCode: e.$metadata?.httpStatusCode,
    };
  }
}

async function main() {
  const result: Record<string, unknown> = {
    userAgent: navigator.userAgent,
    serviceWorkerSupported: 'serviceWorker' in navigator,
  };
  const sc = createStatecraft();

  // 1. MSW Service Worker: the SDK uses its default endpoint and its browser fetch handler.
  const worker = setupWorker(...createMswHandlers(sc));
  const mocked: string[] = [];
  worker.events.on('response:mocked', ({ request }) => {
    mocked.push(`${request.method} ${request.url} ${request.headers.get('x-amz-target')}`);
  });
  await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
  result.workerControlled = navigator.serviceWorker.controller !== null;
  log('worker started, controlled:', result.workerControlled);
  const viaWorker = new SFNClient({ region, credentials, maxAttempts: 1 });
  result.msw = {
    run: await runMachine(viaWorker, 'hello-msw'),
    missing: await missingMachine(viaWorker),
    mockedCount: mocked.length,
    mocked: mocked.slice(0, 3),
  };
  log('msw done');

  // Control: with the worker stopped, the same client reaches nothing (the browser cannot resolve AWS).
  worker.stop();
  try {
    await viaWorker.send(new ListStateMachinesCommand({}));
    result.afterStop = { threw: false };
  } catch (err) {
    result.afterStop = { threw: true, name: (err as Error).name, message: (err as Error).message };
  }
  result.mockedAfterStop = mocked.length - (result.msw as { mockedCount: number }).mockedCount;
  log('control done', result.afterStop);

  // 2. In-process request handler, no worker: the same emulator, no fetch.
  const inProcess = new SFNClient({ region, credentials, maxAttempts: 1, requestHandler: createRequestHandler(sc) });
  const listed = await inProcess.send(new ListStateMachinesCommand({}));
  result.inProcess = {
    run: await runMachine(inProcess, 'hello-in-process'),
    missing: await missingMachine(inProcess),
    // The machine created through the worker is visible here: one emulator, two transports.
    sawMswMachine: (listed.stateMachines ?? []).some((m) => m.name === 'hello-msw'),
  };
  log('in-process done');
  await sc.close();
  return result;
}

const w = window as unknown as { __result?: unknown };
main().then(
  (result) => {
    w.__result = { ok: true, result };
    log('done');
  },
  (err: unknown) => {
    const e = err as Error;
    w.__result = { ok: false, error: `${e?.name}: ${e?.message}\n${e?.stack ?? ''}` };
    console.error('[page] failed', e);
  },
);
