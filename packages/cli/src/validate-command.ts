/**
 * `statecraft validate <file...> [--json] [--type STANDARD|EXPRESS] [--severity ERROR|WARNING]`: the same
 * judgement as ValidateStateMachineDefinition, for files. Exit code 1 when any definition is invalid (or
 * unreadable), 0 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { type Diagnostic, validateDefinition } from '@statecraft/asl';
import { ConfigError } from './config.js';

/** @internal */
export interface FileVerdict {
  readonly file: string;
  readonly result: 'OK' | 'FAIL';
  readonly diagnostics: readonly Diagnostic[];
}

/** @internal */
export async function runValidate(argv: readonly string[], out: { write(text: string): unknown }): Promise<number> {
  const files: string[] = [];
  let json = false;
  let type: 'STANDARD' | 'EXPRESS' = 'STANDARD';
  let severity: 'ERROR' | 'WARNING' = 'WARNING';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--type' || a === '--severity') {
      const v = argv[++i];
      if (a === '--type') {
        if (v !== 'STANDARD' && v !== 'EXPRESS')
          throw new ConfigError(`--type must be STANDARD or EXPRESS, not '${v}'.`);
        type = v;
      } else {
        if (v !== 'ERROR' && v !== 'WARNING') throw new ConfigError(`--severity must be ERROR or WARNING, not '${v}'.`);
        severity = v;
      }
    } else if (a.startsWith('--')) throw new ConfigError(`Unknown flag '${a}' for validate.`);
    else files.push(a);
  }
  if (files.length === 0) throw new ConfigError('validate needs at least one definition file.');

  const verdicts: FileVerdict[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      verdicts.push({
        file,
        result: 'FAIL',
        diagnostics: [{ severity: 'ERROR', code: 'FILE_NOT_READABLE', message: (err as Error).message }],
      });
      continue;
    }
    const r = validateDefinition(text, { type, severity });
    verdicts.push({ file, result: r.result, diagnostics: r.diagnostics });
  }

  if (json) out.write(`${JSON.stringify(verdicts, null, 2)}\n`);
  else {
    for (const v of verdicts) {
      out.write(`${v.file}: ${v.result === 'OK' ? 'valid' : 'INVALID'}\n`);
      for (const d of v.diagnostics) {
        out.write(`  ${d.severity} ${d.code}: ${d.message}${d.location !== undefined ? ` at ${d.location}` : ''}\n`);
      }
    }
  }
  return verdicts.some((v) => v.result === 'FAIL') ? 1 : 0;
}
