/**
 * The `statecraft` command: `serve` (and more commands as they land).
 */
import { createStatecraft } from '@statecraft/aws-wire';
import { serve } from '@statecraft/aws-wire/node';
import { createClock } from '@statecraft/engine';
import { integrationOptionsFromEnv } from '@statecraft/integrations/node';
import { parseStorageUrl, type StorageDriver } from '@statecraft/storage';
import { ConfigError, resolveServeConfig, SERVE_FLAGS } from './config.js';
import { runValidate } from './validate-command.js';

const HELP = `statecraft — local AWS Step Functions and Amazon SWF

Usage:
  statecraft serve [flags]     start the server (both services on one port)
  statecraft validate <file...> [--json] [--type STANDARD|EXPRESS] [--severity ERROR|WARNING]
                               judge ASL definitions as ValidateStateMachineDefinition does; exit 1 if any is invalid
  statecraft help              this text

serve flags (environment variables in brackets):
  --host <host>                listen address, default 127.0.0.1 [STATECRAFT_HOST]
  --port <port>                port, default 8083 [STATECRAFT_PORT]
  --account-id <12 digits>     account in ARNs, default 123456789012 [STATECRAFT_ACCOUNT_ID, AWS_ACCOUNT_ID]
  --region <region>            default region, us-east-1 [STATECRAFT_REGION, AWS_DEFAULT_REGION]
  --wait-time-scale <n>        scale Wait/timeouts (0 = instant) [STATECRAFT_WAIT_TIME_SCALE, WAIT_TIME_SCALE]
  --storage <url>              memory (default) | sqlite:<file> | postgres://... [STATECRAFT_STORAGE]
  --activity-poll-timeout <s>  GetActivityTask hold, default 60 [STATECRAFT_ACTIVITY_POLL_TIMEOUT]
  --swf-poll-timeout <s>       SWF PollFor*Task hold, default 60 [STATECRAFT_SWF_POLL_TIMEOUT]

Task integrations, as Step Functions Local reads them: SFN_MOCK_CONFIG (mock configuration file),
LAMBDA_ENDPOINT, SQS_ENDPOINT, SNS_ENDPOINT, DYNAMODB_ENDPOINT, EVENTBRIDGE_ENDPOINT, STEP_FUNCTIONS_ENDPOINT, ...;
S3_ENDPOINT (a Statecraft addition: S3 Tasks, Map ItemReader and ResultWriter, path-style).

Admin endpoints: POST /_statecraft/reset, GET /_statecraft/health
`;

/** Runs the CLI; resolves to the process exit code (the server keeps running until a signal). @public */
export async function main(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await runServe(rest, env);
      case 'validate':
        return await runValidate(rest, process.stdout);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return 0;
      default:
        process.stderr.write(`statecraft: unknown command '${command}'.\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`statecraft: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function runServe(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  const config = resolveServeConfig(argv, env);
  const clock =
    config.waitTimeScale !== undefined ? createClock({ mode: 'scaled', scale: config.waitTimeScale }) : createClock();
  const store = await openStorage(config.storage);
  const integrations = await integrationOptionsFromEnv(env, {
    onProblem: (message) => process.stderr.write(`${message}\n`),
  });
  const sc = createStatecraft({
    accountId: config.accountId,
    region: config.region,
    clock,
    store,
    ...integrations,
    ...(config.activityPollTimeoutSeconds !== undefined
      ? { activityPollTimeoutSeconds: config.activityPollTimeoutSeconds }
      : {}),
    ...(config.swfPollTimeoutSeconds !== undefined ? { swfPollTimeoutSeconds: config.swfPollTimeoutSeconds } : {}),
  });
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    server = await serve(sc, { host: config.host, port: config.port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`Port ${config.port} on ${config.host} is already in use.`);
    throw err;
  }
  process.stdout.write(
    `Statecraft listening on ${server.url} (account ${config.accountId}, region ${config.region}, storage ${config.storage}; Step Functions and SWF)\n` +
      `Use endpoint ${server.url} with the AWS SDK; for StartSyncExecution/TestState set disableHostPrefix: true.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await sc.close();
  return 0;
}

export { SERVE_FLAGS };

/** Opens the storage a URL names; drivers load only when asked for. */
async function openStorage(url: string): Promise<StorageDriver | undefined> {
  let parsed: ReturnType<typeof parseStorageUrl>;
  try {
    parsed = parseStorageUrl(url);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  switch (parsed.kind) {
    case 'memory':
      return undefined;
    case 'sqlite': {
      const { createSqliteDriver } = await import('@statecraft/storage-sqlite');
      return createSqliteDriver({ filename: parsed.filename });
    }
    case 'postgres': {
      const { createPostgresDriver } = await import('@statecraft/storage-postgres');
      return createPostgresDriver({ connectionString: parsed.connectionString });
    }
  }
}
