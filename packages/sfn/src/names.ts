/**
 * Resource names (state machines, executions, activities, aliases): 1–80 characters, none of
 * whitespace, `< > { } [ ] ? *`, `" # % \ ^ | ~ \` $ & , ; : /` or control characters (WIRE.md §4).
 */
import { AwsServiceError } from '@statecraft/engine';

// biome-ignore lint/suspicious/noControlCharactersInRegex: AWS rejects control characters in names.
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/** @public */
export function isValidName(name: string): boolean {
  const length = [...name].length;
  return length >= 1 && length <= 80 && !FORBIDDEN.test(name);
}

/** Throws AWS's `InvalidName` for a bad name. @public */
export function requireValidName(name: string): void {
  if (!isValidName(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
}
