/**
 * Step Functions Local's environment variables → {@link IntegrationOptions}, for the CLI.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-config-options.html
 */
import type { IntegrationOptions } from './compose.js';
import { formatMockConfigProblems, loadMockConfig } from './mock-config.js';
import { SERVICE_ENDPOINT_ENV } from './services.js';

/** Options for {@link integrationOptionsFromEnv}. @public */
export interface IntegrationEnvOptions {
  /** Reads the mock configuration file (default: `node:fs/promises` readFile, UTF-8). */
  readonly readFile?: (path: string) => Promise<string>;
  /** Where problems are reported (default: console.warn). */
  readonly onProblem?: (message: string) => void;
  /**
   * Also read `MockConfigFile.json` from this directory when `SFN_MOCK_CONFIG` is not set, as the JAR does
   * from the directory it was launched in. Default: not read.
   */
  readonly cwd?: string;
}

/**
 * Reads `LAMBDA_ENDPOINT`, the service `*_ENDPOINT` variables (`SQS_ENDPOINT`, `SNS_ENDPOINT`,
 * `DYNAMODB_ENDPOINT`, `EVENTBRIDGE_ENDPOINT`, `STEP_FUNCTIONS_ENDPOINT`, `ECS_ENDPOINT`, `GLUE_ENDPOINT`,
 * `SAGE_MAKER_ENDPOINT`, `BATCH_ENDPOINT`, and `S3_ENDPOINT` — a Statecraft addition, as Step Functions Local
 * has no S3 setting), `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`
 * for forwarded calls, and `SFN_MOCK_CONFIG` (a path; read once, here). A mock file that does not load is
 * reported with its path, JSON pointer and reason, and left out: the emulator serves without mocks.
 * @public
 */
export async function integrationOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: IntegrationEnvOptions = {},
): Promise<IntegrationOptions> {
  const report = options.onProblem ?? console.warn;
  const serviceEndpoints: Record<string, string> = {};
  for (const [name, key] of Object.entries(SERVICE_ENDPOINT_ENV)) {
    const v = env[name];
    if (v) serviceEndpoints[key] = v;
  }
  const readFile =
    options.readFile ??
    (async (path: string) => {
      const fs = await import('node:fs/promises');
      return fs.readFile(path, 'utf8');
    });
  let mockConfig: string | undefined;
  const path =
    env.SFN_MOCK_CONFIG || (options.cwd ? `${options.cwd.replace(/\/$/, '')}/MockConfigFile.json` : undefined);
  if (path) {
    try {
      const text = await readFile(path);
      const loaded = loadMockConfig(text);
      if (loaded.ok) mockConfig = text;
      else report(formatMockConfigProblems(loaded.problems, path));
    } catch (err) {
      if (env.SFN_MOCK_CONFIG) {
        report(
          `[statecraft] Failed to read the mock configuration ${path} (SFN_MOCK_CONFIG): ${(err as Error).message}. Serving without mocks.`,
        );
      }
    }
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  return {
    ...(env.LAMBDA_ENDPOINT ? { lambdaEndpoint: env.LAMBDA_ENDPOINT } : {}),
    ...(Object.keys(serviceEndpoints).length > 0 ? { serviceEndpoints } : {}),
    ...(mockConfig !== undefined ? { mockConfig } : {}),
    ...(accessKeyId && secretAccessKey
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
  };
}
