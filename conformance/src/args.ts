/** Command-line arguments of `pnpm conformance`. */

export const USAGE = `usage: pnpm conformance [options]
  --corpus <dir|file>   cases to run (repeatable; default: conformance/cases, the project's own cases)
  --endpoint <url>      run against a running server instead of an in-process emulator per case
  --filter <globs>      comma-separated globs over case ids (e.g. 'base/*,map', '!test-state/**')
  --report <file.json>  write per-case verdicts and diffs as JSON
  --min-pass <ratio>    exit 1 unless passed/(passed+failed) >= ratio (0..1, or a percentage like 95%)
  --concurrency <n>     cases run at once (default 4)
  --timeout <seconds>   timeout of a wait, poll or call (default 120)
  --compat-date <d>     in-process: AWS behaviour date the emulator imitates: 'recorded' (default; each
                        case's source.recorded), 'current', or YYYY-MM-DD
  --quiet               no progress on stderr
  --verbose             one line per case on stderr (verdict, duration, heap)`;

export interface Args {
  corpus: string[];
  endpoint?: string;
  filter?: string;
  report?: string;
  minPass?: number;
  concurrency: number;
  timeout: number;
  quiet: boolean;
  compatDate: string;
  verbose: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): Args {
  const args: Args = { corpus: [], concurrency: 4, timeout: 120, quiet: false, verbose: false, compatDate: 'recorded' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--corpus':
        args.corpus.push(value());
        break;
      case '--endpoint':
        args.endpoint = value();
        break;
      case '--filter':
        args.filter = value();
        break;
      case '--report':
        args.report = value();
        break;
      case '--min-pass': {
        const v = value();
        const n = v.endsWith('%') ? Number(v.slice(0, -1)) / 100 : Number(v);
        if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--min-pass must be a ratio in 0..1: ${v}`);
        args.minPass = n;
        break;
      }
      case '--concurrency': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--concurrency must be a positive integer');
        args.concurrency = n;
        break;
      }
      case '--timeout': {
        const n = Number(value());
        if (!Number.isFinite(n) || n <= 0) throw new UsageError('--timeout must be a positive number of seconds');
        args.timeout = n;
        break;
      }
      case '--compat-date': {
        const v = value();
        if (v !== 'recorded' && v !== 'current' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
          throw new UsageError(`--compat-date must be recorded, current or YYYY-MM-DD: ${v}`);
        }
        args.compatDate = v;
        break;
      }
      case '--quiet':
        args.quiet = true;
        break;
      case '--verbose':
        args.verbose = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown argument ${a}`);
    }
  }
  return args;
}
