/**
 * Server configuration from flags and environment variables. Precedence: flag, then `STATECRAFT_*`, then
 * Step Functions Local's name, then the default.
 */

/** @public */
export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly accountId: string;
  readonly region: string;
  /** Step Functions Local's WAIT_TIME_SCALE; undefined = real time. */
  readonly waitTimeScale?: number;
  /** `memory`, `sqlite:<file>` or `postgres://...`. */
  readonly storage: string;
  /** Long-poll hold of GetActivityTask, seconds (AWS: 60). */
  readonly activityPollTimeoutSeconds?: number;
  /** Long-poll hold of PollForDecisionTask/PollForActivityTask, seconds (AWS: 60). */
  readonly swfPollTimeoutSeconds?: number;
}

/** A user error in flags or environment: printed without a stack, exit code 2. @public */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Every setting: its flag, its environment variables in precedence order, its default. */
const SETTINGS = {
  host: { flag: '--host', env: ['STATECRAFT_HOST'], def: '127.0.0.1' },
  port: { flag: '--port', env: ['STATECRAFT_PORT'], def: '8083' },
  accountId: { flag: '--account-id', env: ['STATECRAFT_ACCOUNT_ID', 'AWS_ACCOUNT_ID'], def: '123456789012' },
  region: { flag: '--region', env: ['STATECRAFT_REGION', 'AWS_DEFAULT_REGION'], def: 'us-east-1' },
  waitTimeScale: { flag: '--wait-time-scale', env: ['STATECRAFT_WAIT_TIME_SCALE', 'WAIT_TIME_SCALE'], def: undefined },
  storage: { flag: '--storage', env: ['STATECRAFT_STORAGE'], def: 'memory' },
  activityPoll: { flag: '--activity-poll-timeout', env: ['STATECRAFT_ACTIVITY_POLL_TIMEOUT'], def: undefined },
  swfPoll: { flag: '--swf-poll-timeout', env: ['STATECRAFT_SWF_POLL_TIMEOUT'], def: undefined },
} as const;

/** Flags `serve` accepts, for the help text. @public */
export const SERVE_FLAGS = Object.values(SETTINGS).map((s) => s.flag);

/** Splits `--flag value` and `--flag=value` pairs. @internal */
export function parseFlags(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`Unexpected argument '${arg}'.`);
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!known.includes(flag)) throw new ConfigError(`Unknown flag '${flag}'. Known flags: ${known.join(', ')}.`);
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError(`Flag '${flag}' needs a value.`);
    value = value.trim();
    out.set(flag, value);
  }
  return out;
}

/** @public */
export function resolveServeConfig(argv: readonly string[], env: Record<string, string | undefined>): ServeConfig {
  const flags = parseFlags(argv, SERVE_FLAGS);
  const pick = (key: keyof typeof SETTINGS): string | undefined => {
    const s = SETTINGS[key];
    if (flags.has(s.flag)) return flags.get(s.flag);
    for (const name of s.env) {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
    }
    return s.def;
  };
  const port = Number(pick('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`Port '${pick('port')}' is not a port number (0-65535).`);
  }
  const accountId = pick('accountId')!;
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError(`Account id '${accountId}' must be 12 digits.`);
  const region = pick('region')!;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new ConfigError(`Region '${region}' is not an AWS region name.`);
  const scaleText = pick('waitTimeScale');
  let waitTimeScale: number | undefined;
  if (scaleText !== undefined) {
    waitTimeScale = Number(scaleText);
    if (!(waitTimeScale >= 0)) throw new ConfigError(`Wait time scale '${scaleText}' must be a number >= 0.`);
  }
  const seconds = (key: 'activityPoll' | 'swfPoll'): number | undefined => {
    const text = pick(key);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0)
      throw new ConfigError(`${SETTINGS[key].flag} '${text}' must be a number of seconds >= 0.`);
    return n;
  };
  const activityPollTimeoutSeconds = seconds('activityPoll');
  const swfPollTimeoutSeconds = seconds('swfPoll');
  return {
    host: pick('host')!,
    port,
    accountId,
    region,
    storage: pick('storage')!,
    ...(waitTimeScale !== undefined ? { waitTimeScale } : {}),
    ...(activityPollTimeoutSeconds !== undefined ? { activityPollTimeoutSeconds } : {}),
    ...(swfPollTimeoutSeconds !== undefined ? { swfPollTimeoutSeconds } : {}),
  };
}
