/**
 * The validator behind `ValidateStateMachineDefinition`, `CreateStateMachine` and `UpdateStateMachine`.
 *
 * Two phases, as AWS reports them:
 * 1. **Schema** (`SCHEMA_VALIDATION_FAILED`, `DUPLICATE_STATE_NAME`, `INVALID_STATE_NAME`, JSONata codes):
 *    required, unknown and wrong-language fields, value types and ranges, paths, intrinsic functions,
 *    JSONata syntax, EXPRESS restrictions.
 * 2. **Graph** (`MISSING_TRANSITION_TARGET`, `MISSING_END_STATE`): only when phase 1 found no error.
 *    AWS-recorded: a definition without `StartAt` reports only the missing field, not the then
 *    unreachable states.
 *
 * Messages marked *(AWS-recorded)* are verbatim from recorded AWS responses; the others follow AWS's
 * wording patterns but are unverified.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 */

import { type Diagnostic, DiagnosticCode, type DiagnosticSeverity } from './diagnostics.js';
import { parseIntrinsic } from './intrinsics.js';
import { type JsonObject, type JsonValue, keysOf, scanJson } from './json-scanner.js';
import { checkJsonata, isJsonataExpression, jsonataBody } from './jsonata-check.js';
import { parsePath } from './paths.js';

/** Options of {@link validateDefinition}. @public */
export interface ValidateOptions {
  /** The state machine type; `EXPRESS` forbids `.sync`, `.waitForTaskToken` and activities. Default `STANDARD`. */
  readonly type?: 'STANDARD' | 'EXPRESS';
  /** Minimum severity returned: `ERROR` (default) returns errors only, `WARNING` returns both. */
  readonly severity?: DiagnosticSeverity;
  /** Maximum number of diagnostics returned (default and maximum 100, as the API). */
  readonly maxResults?: number;
}

/** The `ValidateStateMachineDefinition` response. @public */
export interface ValidateResult {
  readonly result: 'OK' | 'FAIL';
  readonly diagnostics: Diagnostic[];
  readonly truncated: boolean;
}

/** @internal */
export interface Analysis {
  readonly diagnostics: Diagnostic[];
  readonly root: JsonObject | undefined;
}

const STATE_TYPES = ['Task', 'Wait', 'Pass', 'Succeed', 'Fail', 'Choice', 'Parallel', 'Map'] as const;
type StateTypeName = (typeof STATE_TYPES)[number];

type Lang = 'both' | 'JSONPath' | 'JSONata';
const B: Lang = 'both';
const JP: Lang = 'JSONPath';
const JA: Lang = 'JSONata';

const COMMON: Record<string, Lang> = { Type: B, Comment: B, QueryLanguage: B };
const IO: Record<string, Lang> = { InputPath: JP, OutputPath: JP, Output: JA };

/** Fields allowed per state type, and the query language each belongs to (ASL.md §2). */
const FIELDS: Record<StateTypeName, Record<string, Lang>> = {
  Pass: { ...COMMON, ...IO, Next: B, End: B, Assign: B, Parameters: JP, Result: JP, ResultPath: JP },
  Task: {
    ...COMMON,
    ...IO,
    Next: B,
    End: B,
    Assign: B,
    Resource: B,
    TimeoutSeconds: B,
    HeartbeatSeconds: B,
    Retry: B,
    Catch: B,
    Credentials: B,
    Parameters: JP,
    ResultSelector: JP,
    ResultPath: JP,
    TimeoutSecondsPath: JP,
    HeartbeatSecondsPath: JP,
    Arguments: JA,
  },
  Choice: { ...COMMON, ...IO, Choices: B, Default: B, Assign: B },
  Wait: { ...COMMON, ...IO, Next: B, End: B, Assign: B, Seconds: B, Timestamp: B, SecondsPath: JP, TimestampPath: JP },
  Succeed: { ...COMMON, ...IO },
  Fail: { ...COMMON, Error: B, Cause: B, ErrorPath: JP, CausePath: JP },
  Parallel: {
    ...COMMON,
    ...IO,
    Next: B,
    End: B,
    Assign: B,
    Branches: B,
    Retry: B,
    Catch: B,
    Parameters: JP,
    ResultSelector: JP,
    ResultPath: JP,
    Arguments: JA,
  },
  Map: {
    ...COMMON,
    ...IO,
    Next: B,
    End: B,
    Assign: B,
    ItemProcessor: B,
    Iterator: B,
    ItemReader: B,
    ItemSelector: B,
    ItemBatcher: B,
    ResultWriter: B,
    MaxConcurrency: B,
    ToleratedFailureCount: B,
    ToleratedFailurePercentage: B,
    Label: B,
    Retry: B,
    Catch: B,
    ItemsPath: JP,
    MaxConcurrencyPath: JP,
    ToleratedFailureCountPath: JP,
    ToleratedFailurePercentagePath: JP,
    Parameters: JP,
    ResultSelector: JP,
    ResultPath: JP,
    Items: JA,
  },
};

/** Required fields per state type (besides `Type`). */
const REQUIRED: Partial<Record<StateTypeName, readonly string[]>> = {
  Task: ['Resource'],
  Choice: ['Choices'],
  Parallel: ['Branches'],
};

/** Pairs that may not both be present. */
const EXCLUSIVE: ReadonlyArray<readonly [string, string]> = [
  ['TimeoutSeconds', 'TimeoutSecondsPath'],
  ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ['Error', 'ErrorPath'],
  ['Cause', 'CausePath'],
  ['ItemProcessor', 'Iterator'],
  ['ItemSelector', 'Parameters'],
  ['MaxConcurrency', 'MaxConcurrencyPath'],
  ['ToleratedFailureCount', 'ToleratedFailureCountPath'],
  ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'],
];

/** Predefined error names a retrier or catcher may name (ASL.md §7). */
const STATES_ERRORS = new Set([
  'States.ALL',
  'States.HeartbeatTimeout',
  'States.Timeout',
  'States.TaskFailed',
  'States.Permissions',
  'States.ResultPathMatchFailure',
  'States.ParameterPathFailure',
  'States.QueryEvaluationError',
  'States.BranchFailed',
  'States.NoChoiceMatched',
  'States.IntrinsicFailure',
  'States.ExceedToleratedFailureThreshold',
  'States.ItemReaderFailed',
  'States.ResultWriterFailed',
  'States.Runtime',
  'States.DataLimitExceeded',
  'States.Http.Socket',
]);

type OperatorKind = 'string' | 'number' | 'boolean' | 'timestamp' | 'path' | 'flag';
const OPERATORS: Record<string, OperatorKind> = { StringMatches: 'string' };
for (const [family, kind] of [
  ['String', 'string'],
  ['Numeric', 'number'],
  ['Timestamp', 'timestamp'],
] as const) {
  for (const op of ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals']) {
    OPERATORS[family + op] = kind;
    OPERATORS[`${family}${op}Path`] = 'path';
  }
}
OPERATORS.BooleanEquals = 'boolean';
OPERATORS.BooleanEqualsPath = 'path';
for (const op of ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp']) OPERATORS[op] = 'flag';

/** Fields whose `{% %}` strings AWS does not parse as JSONata (ASL field names, not payload keys). */
const NOT_JSONATA_FIELDS = new Set([
  'Type',
  'Comment',
  'QueryLanguage',
  'Next',
  'End',
  'Default',
  'Resource',
  'Retry',
  'Credentials',
  'ErrorEquals',
  'Branches',
  'ItemProcessor',
  'Iterator',
  'CSVHeaders',
  'Label',
]);

/**
 * Variable names. AWS documents Unicode identifiers; a hyphenated name is accepted (asl fixture
 * `valid-assign.asl.json`, awsExpected valid), so only separators and path syntax are refused here.
 */
const VARIABLE_NAME = /^[^\s.$[\]'"(){},:*?@%`\\/]+$/u;
const ARN = /^arn:[^:\s]+:[^:\s]+:[^:\s]*:[^:\s]*:\S+$/;
const MAX_STATE_NAME = 80;
const MAX_ERROR_RANGE = 99_999_999;

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** `$.x`, `$$.x` or `States.X(` — what a NO_DOLLAR warning points at. */
function looksDynamic(value: string): boolean {
  return /^\$\$?[.[]/.test(value) || /^States\.[A-Za-z0-9]+\(/.test(value);
}

function containsDynamicKey(value: JsonValue | undefined): boolean {
  const stack: Array<JsonValue | undefined> = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (isObject(v)) {
      for (const k of keysOf(v)) {
        if (k.endsWith('.$')) return true;
        stack.push(v[k]);
      }
    }
  }
  return false;
}

function has(obj: JsonObject, key: string): boolean {
  return Object.hasOwn(obj, key);
}

function join(path: string, key: string): string {
  return `${path}/${key}`;
}

/** A JSON-pointer-like location; the root is `/`. */
function at(path: string): string {
  return path === '' ? '/' : path;
}

/**
 * True for an RFC 3339 date-time with a `T` separator and an offset (`Z` or `±hh:mm`).
 * AWS-recorded rejections: missing offset, a space instead of `T`, month 13, hour 25, `05-12-2016…`.
 * @public
 */
export function isRfc3339Timestamp(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days || hour > 23 || minute > 59 || second > 60) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

interface Container {
  readonly path: string;
  readonly obj: JsonObject;
  readonly states: JsonObject | undefined;
}

class Validator {
  readonly diags: Diagnostic[] = [];
  private readonly stateNames = new Set<string>();
  private machineJsonata = false;
  private readonly containers: Container[] = [];

  constructor(
    private readonly type: 'STANDARD' | 'EXPRESS',
    /** TestState: a lone state may name a `Next` outside the definition. */
    private readonly skipRootGraph = false,
  ) {}

  private error(code: string, message: string, location?: string): void {
    this.diags.push(
      location === undefined ? { severity: 'ERROR', code, message } : { severity: 'ERROR', code, message, location },
    );
  }

  private warn(code: string, message: string, location: string): void {
    this.diags.push({ severity: 'WARNING', code, message, location });
  }

  private schema(message: string, location: string): void {
    this.error(DiagnosticCode.SCHEMA_VALIDATION_FAILED, message, at(location));
  }

  private typeError(expected: string, path: string): void {
    this.schema(`Expected value of type [${expected}]`, path);
  }

  private get hasErrors(): boolean {
    return this.diags.some((d) => d.severity === 'ERROR');
  }

  run(root: JsonValue | undefined): void {
    if (!isObject(root)) {
      // AWS-recorded for " " (empty document).
      this.error(DiagnosticCode.SCHEMA_VALIDATION_FAILED, 'Definition must be a valid JSON object');
      return;
    }
    const ql = root.QueryLanguage;
    this.machineJsonata = has(root, 'QueryLanguage') && ql !== 'JSONPath';
    this.validateContainer(root, '', 'root');
    if (this.hasErrors) return;
    for (const c of this.containers) if (!(this.skipRootGraph && c.path === '')) this.validateGraph(c);
  }

  // ── Containers: the top level, Parallel branches, Map item processors ─────────────────────────────

  private validateContainer(obj: JsonObject, path: string, kind: 'root' | 'branch' | 'processor'): void {
    const missing = ['States', 'StartAt'].filter((k) => !has(obj, k));
    if (missing.length > 0) this.schema(`These fields are required: [${missing.join(', ')}]`, path); // AWS-recorded
    const allowed =
      kind === 'root'
        ? ['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage']
        : kind === 'processor'
          ? ['StartAt', 'States', 'Comment', 'ProcessorConfig']
          : ['StartAt', 'States', 'Comment'];
    for (const key of keysOf(obj)) {
      const value = obj[key];
      if (!allowed.includes(key)) {
        this.schema(`Field '${key}' is not supported`, path);
        continue;
      }
      const loc = join(path, key);
      switch (key) {
        case 'StartAt':
        case 'Comment':
        case 'Version':
          if (typeof value !== 'string') this.typeError('STRING', loc);
          break;
        case 'TimeoutSeconds':
          this.checkInteger(value, loc, 0, MAX_ERROR_RANGE);
          break;
        case 'QueryLanguage':
          this.checkQueryLanguageValue(value, loc);
          break;
        case 'ProcessorConfig':
          this.checkProcessorConfig(value, loc);
          break;
        case 'States':
          if (!isObject(value)) this.typeError('OBJECT', loc);
          break;
      }
    }
    const states = isObject(obj.States) ? obj.States : undefined;
    this.containers.push({ path, obj, states });
    if (!states) return;
    for (const name of keysOf(states)) this.validateState(name, states[name], join(join(path, 'States'), name));
  }

  private checkQueryLanguageValue(value: JsonValue | undefined, loc: string): void {
    if (typeof value !== 'string') this.typeError('STRING', loc);
    else if (value !== 'JSONPath' && value !== 'JSONata')
      this.schema('Value should be one of the following: [JSONPath, JSONata]', loc);
  }

  private checkProcessorConfig(value: JsonValue | undefined, loc: string): void {
    if (!isObject(value)) {
      this.typeError('OBJECT', loc);
      return;
    }
    for (const key of keysOf(value)) {
      const v = value[key];
      const l = join(loc, key);
      if (key === 'Mode') {
        if (v !== 'INLINE' && v !== 'DISTRIBUTED')
          this.schema("The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]", l);
        else if (v === 'DISTRIBUTED' && this.type === 'EXPRESS') {
          this.schema("The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines", l);
        }
      } else if (key === 'ExecutionType') {
        if (v !== 'STANDARD' && v !== 'EXPRESS')
          this.schema("The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS]", l);
      } else {
        this.schema(`Field '${key}' is not supported`, loc);
      }
    }
  }

  // ── States ─────────────────────────────────────────────────────────────────────────────────────────

  private validateState(name: string, st: JsonValue | undefined, path: string): void {
    if (name.length > MAX_STATE_NAME) {
      this.error(
        DiagnosticCode.INVALID_STATE_NAME,
        `State name '${name}' exceeds the maximum length of ${MAX_STATE_NAME} characters`,
        path,
      );
    } else if (name.length === 0) {
      this.error(DiagnosticCode.INVALID_STATE_NAME, 'State name cannot be empty', path);
    }
    if (this.stateNames.has(name))
      this.error(DiagnosticCode.DUPLICATE_STATE_NAME, `Duplicate State name: ${name}`, path);
    this.stateNames.add(name);
    if (!isObject(st)) {
      this.typeError('OBJECT', path);
      return;
    }
    if (!has(st, 'Type')) {
      this.schema('These fields are required: [Type]', path);
      return;
    }
    const type = st.Type;
    if (typeof type !== 'string' || !(STATE_TYPES as readonly string[]).includes(type)) {
      // AWS-recorded.
      this.schema(`The field 'Type' should have one of these values: [${STATE_TYPES.join(', ')}]`, join(path, 'Type'));
      return;
    }
    const stateType = type as StateTypeName;

    // Query language. A state is JSONPath only when it says exactly "JSONPath" or inherits it.
    const declared = st.QueryLanguage;
    const downgraded = this.machineJsonata && declared === 'JSONPath';
    if (downgraded) {
      // AWS-recorded.
      this.schema("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", path);
    }
    const jsonata = has(st, 'QueryLanguage') ? declared !== 'JSONPath' : this.machineJsonata;
    const lang: 'JSONPath' | 'JSONata' = jsonata ? 'JSONata' : 'JSONPath';

    const missing = (REQUIRED[stateType] ?? []).filter((k) => !has(st, k));
    if (missing.length > 0) this.schema(`These fields are required: [${missing.join(', ')}]`, path);

    const fields = FIELDS[stateType];
    for (const key of keysOf(st)) {
      const fieldLang = fields[key];
      if (fieldLang === undefined) {
        this.schema(`Field '${key}' is not supported`, path);
        continue;
      }
      if (fieldLang !== 'both' && fieldLang !== lang && !downgraded) {
        this.schema(
          `The QueryLanguage is set to '${lang}', but field '${key}' is only supported for the '${fieldLang}' QueryLanguage`,
          path,
        );
        continue;
      }
      this.validateField(stateType, name, st, key, join(path, key), jsonata);
    }

    for (const [a, b] of EXCLUSIVE) {
      if (has(st, a) && has(st, b) && fields[a] !== undefined && fields[b] !== undefined) {
        this.schema(`These fields are mutually exclusive: [${a}, ${b}]`, path);
      }
    }
    if (stateType === 'Choice' || stateType === 'Succeed' || stateType === 'Fail') {
      // No transition fields: reported above as unsupported.
    } else {
      const hasNext = has(st, 'Next');
      const hasEnd = has(st, 'End') && st.End === true;
      if (hasNext === hasEnd) {
        this.schema(
          hasNext
            ? 'These fields are mutually exclusive: [Next, End]'
            : 'Exactly one of these fields is required: [Next, End]',
          path,
        );
      }
    }
    if (stateType === 'Wait') {
      const timers = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'].filter((k) => has(st, k));
      if (timers.length !== 1) {
        this.schema(
          timers.length === 0
            ? 'Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath]'
            : `These fields are mutually exclusive: [${timers.join(', ')}]`,
          path,
        );
      }
    }
    if (stateType === 'Map' && !has(st, 'ItemProcessor') && !has(st, 'Iterator')) {
      this.schema('These fields are required: [ItemProcessor]', path);
    }
    if (jsonata) this.checkJsonataFields(st, path);
  }

  private validateField(
    stateType: StateTypeName,
    stateName: string,
    st: JsonObject,
    key: string,
    loc: string,
    jsonata: boolean,
  ): void {
    const value = st[key];
    switch (key) {
      case 'Type':
        return;
      case 'Comment':
      case 'Next':
      case 'Default':
        if (typeof value !== 'string') this.typeError('STRING', loc);
        return;
      case 'QueryLanguage':
        this.checkQueryLanguageValue(value, loc);
        return;
      case 'End':
        if (typeof value !== 'boolean') this.typeError('BOOLEAN', loc);
        return;
      case 'InputPath':
      case 'OutputPath':
        if (value !== null) this.checkPath(value, loc, key, { reference: false, context: true, variables: true });
        return;
      case 'ResultPath':
        if (value !== null) this.checkPath(value, loc, key, { reference: true, context: false, variables: false });
        return;
      case 'ItemsPath':
      case 'SecondsPath':
      case 'TimestampPath':
      case 'TimeoutSecondsPath':
      case 'HeartbeatSecondsPath':
      case 'MaxConcurrencyPath':
      case 'ToleratedFailureCountPath':
      case 'ToleratedFailurePercentagePath':
        this.checkPath(value, loc, key, { reference: true, context: true, variables: true });
        return;
      case 'Parameters':
        if (stateType === 'Map' || stateType === 'Pass' || stateType === 'Task' || stateType === 'Parallel') {
          this.checkPayloadTemplate(value, loc);
        }
        return;
      case 'ResultSelector':
        if (!isObject(value)) this.typeError('OBJECT', loc);
        else this.checkPayloadTemplate(value, loc);
        return;
      case 'ItemSelector':
        if (!jsonata) this.checkPayloadTemplate(value, loc);
        return;
      case 'Result':
        if (containsDynamicKey(value)) {
          this.warn(
            DiagnosticCode.PASS_RESULT_IS_STATIC,
            "The field 'Result' is static: paths in it ('.$' fields) are not evaluated",
            loc,
          );
        }
        return;
      case 'Output':
      case 'Arguments':
      case 'Items':
        return; // any JSON; JSONata strings are checked by checkJsonataFields
      case 'Assign':
        this.checkAssign(value, loc, jsonata);
        return;
      case 'Resource':
        this.checkResource(value, loc);
        return;
      case 'TimeoutSeconds':
      case 'HeartbeatSeconds':
        if (!(jsonata && isJsonataExpression(value))) this.checkInteger(value, loc, 1, MAX_ERROR_RANGE);
        return;
      case 'Seconds':
        if (!(jsonata && isJsonataExpression(value))) this.checkInteger(value, loc, 0, MAX_ERROR_RANGE);
        return;
      case 'Timestamp':
        if (typeof value !== 'string') this.typeError('STRING', loc);
        else if (!(jsonata && isJsonataExpression(value)) && !isRfc3339Timestamp(value)) {
          this.schema('String does not match RFC3339 timestamp', loc); // AWS-recorded
        }
        return;
      case 'Error':
      case 'Cause':
        if (typeof value !== 'string') this.typeError('STRING', loc);
        return;
      case 'ErrorPath':
      case 'CausePath':
        this.checkPathOrIntrinsic(value, loc, key, true);
        return;
      case 'Credentials':
        this.checkCredentials(value, loc, jsonata);
        return;
      case 'Retry':
        this.checkRetry(value, loc);
        return;
      case 'Catch':
        this.checkCatch(value, loc, jsonata);
        return;
      case 'Choices':
        this.checkChoices(value, loc, jsonata);
        return;
      case 'Branches':
        if (!Array.isArray(value)) this.typeError('ARRAY', loc);
        else if (value.length === 0)
          this.schema('Value cannot be empty', loc); // AWS-recorded
        else {
          value.forEach((branch, i) => {
            const l = `${loc}[${i}]`;
            if (!isObject(branch)) this.typeError('OBJECT', l);
            else this.validateContainer(branch, l, 'branch');
          });
        }
        return;
      case 'ItemProcessor':
      case 'Iterator':
        if (!isObject(value)) this.typeError('OBJECT', loc);
        else this.validateContainer(value, loc, 'processor');
        return;
      case 'MaxConcurrency':
      case 'ToleratedFailureCount':
        if (!(jsonata && isJsonataExpression(value))) this.checkInteger(value, loc, 0, Number.POSITIVE_INFINITY);
        return;
      case 'ToleratedFailurePercentage':
        if (!(jsonata && isJsonataExpression(value))) this.checkNumber(value, loc, 0, 100);
        return;
      case 'Label':
        this.checkLabel(value, loc);
        return;
      case 'ItemReader':
        this.checkItemReader(value, loc, jsonata);
        return;
      case 'ItemBatcher':
        this.checkItemBatcher(value, loc, jsonata);
        return;
      case 'ResultWriter':
        this.checkResultWriter(value, loc, jsonata);
        return;
      default:
        void stateName;
    }
  }

  // ── Value checks ───────────────────────────────────────────────────────────────────────────────────

  private checkInteger(value: JsonValue | undefined, loc: string, min: number, max: number): void {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.typeError('INTEGER', loc);
      return;
    }
    if (value < min) this.schema(`Value must be greater than or equal to ${min}`, loc);
    else if (value > max) this.schema(`Value must be less than or equal to ${max}`, loc);
  }

  private checkNumber(value: JsonValue | undefined, loc: string, min: number, max: number): void {
    if (typeof value !== 'number') {
      this.typeError('NUMBER', loc);
      return;
    }
    if (value < min) this.schema(`Value must be greater than or equal to ${min}`, loc);
    else if (value > max) this.schema(`Value must be less than or equal to ${max}`, loc);
  }

  private checkPath(
    value: JsonValue | undefined,
    loc: string,
    field: string,
    rules: { reference: boolean; context: boolean; variables: boolean },
  ): void {
    const noun = rules.reference ? 'Reference Path' : 'JSONPath';
    if (typeof value !== 'string') {
      this.typeError('STRING', loc);
      return;
    }
    const r = parsePath(value);
    const ok =
      r.ok &&
      (!rules.reference || r.path.isReferencePath) &&
      (rules.context || r.path.root.kind !== 'context') &&
      (rules.variables || r.path.root.kind !== 'variable');
    if (!ok) this.schema(`The value for the field '${field}' must be a valid ${noun}`, loc);
  }

  private checkPathOrIntrinsic(value: JsonValue | undefined, loc: string, field: string, reference: boolean): void {
    if (typeof value !== 'string') {
      this.typeError('STRING', loc);
      return;
    }
    if (this.isValidDynamicValue(value, reference)) return;
    this.schema(`The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call`, loc);
  }

  private isValidDynamicValue(value: string, reference = false): boolean {
    if (value.startsWith('States.')) return parseIntrinsic(value).ok;
    const r = parsePath(value);
    return r.ok && (!reference || r.path.isReferencePath);
  }

  /**
   * A JSONPath payload template (`Parameters`, `ResultSelector`, `ItemSelector`, …): keys ending in
   * `.$` take a path, context path, variable or intrinsic call; the same key with and without `.$`
   * collides once the suffix is removed.
   */
  private checkPayloadTemplate(value: JsonValue | undefined, loc: string): void {
    const stack: Array<{ v: JsonValue | undefined; loc: string }> = [{ v: value, loc }];
    while (stack.length > 0) {
      const { v, loc: l } = stack.pop()!;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], loc: `${l}[${i}]` });
        continue;
      }
      if (!isObject(v)) continue;
      const keys = keysOf(v);
      const pending: Array<{ v: JsonValue | undefined; loc: string }> = [];
      for (const key of keys) {
        const kl = join(l, key);
        if (key.endsWith('.$')) {
          const bare = key.slice(0, -2);
          if (has(v, bare)) this.schema(`The field '${bare}' is duplicated by '${key}'`, kl);
          const dyn = v[key];
          if (typeof dyn !== 'string' || !this.isValidDynamicValue(dyn)) {
            this.schema(
              `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`,
              kl,
            );
          }
        } else {
          const literal = v[key];
          if (typeof literal === 'string' && looksDynamic(literal)) {
            this.warn(
              DiagnosticCode.NO_DOLLAR,
              `The value of the field '${key}' looks like a JSONPath or an intrinsic function, but the field name does not end with '.$'`,
              kl,
            );
          }
          pending.push({ v: literal, loc: kl });
        }
      }
      for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i]!);
    }
  }

  private checkAssign(value: JsonValue | undefined, loc: string, jsonata: boolean): void {
    if (!isObject(value)) {
      this.typeError('OBJECT', loc);
      return;
    }
    for (const key of keysOf(value)) {
      const kl = join(loc, key);
      const name = !jsonata && key.endsWith('.$') ? key.slice(0, -2) : key;
      if (!VARIABLE_NAME.test(name) || name.length > MAX_STATE_NAME) {
        this.schema(`The variable name '${name}' is not valid`, kl);
      } else if (name === 'states') {
        this.schema("The variable name 'states' is reserved", kl);
      }
      if (jsonata) continue;
      if (key.endsWith('.$')) {
        const dyn = value[key];
        if (typeof dyn !== 'string' || !this.isValidDynamicValue(dyn)) {
          this.schema(
            `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`,
            kl,
          );
        }
      } else {
        this.checkPayloadTemplate(value[key], kl);
      }
    }
  }

  private checkResource(value: JsonValue | undefined, loc: string): void {
    if (typeof value !== 'string') {
      this.typeError('STRING', loc);
      return;
    }
    if (!ARN.test(value) || !this.isPlausibleResource(value)) {
      this.schema('Value is not a valid resource ARN', loc);
      return;
    }
    if (this.type === 'EXPRESS') {
      const parts = value.split(':');
      if (parts[2] === 'states' && parts[5] === 'activity') {
        this.schema('Express state machine does not support Activity ARN', loc); // AWS-recorded
      } else if (parts[2] === 'states' && parts[3] === '' && parts[4] === '') {
        const action = parts.slice(5).join(':');
        if (/\.waitForTaskToken$/.test(action)) {
          // AWS-recorded, trailing space included.
          this.schema("Express state machine does not support '.waitForTaskToken' service integration ", loc);
        } else if (/\.sync(:\d+)?$/.test(action)) {
          this.schema("Express state machine does not support '.sync' service integration", loc); // AWS-recorded
        }
      }
    }
  }

  private isPlausibleResource(arn: string): boolean {
    const parts = arn.split(':');
    const service = parts[2];
    if (service === 'lambda') {
      // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
      if (parts[5] !== 'function') return true;
      const name = parts[6] ?? '';
      if (!/^[A-Za-z0-9_-]+$/.test(name)) return false;
      if (parts.length === 7) return true;
      if (parts.length !== 8) return false;
      return /^(\$LATEST|[A-Za-z0-9_-]+)$/.test(parts[7]!);
    }
    if (service === 'states' && parts[3] === '' && parts[4] === '') {
      // Service integration: arn:aws:states:::<service>:<action>[.pattern]
      return parts.length >= 7 && parts[5] !== '' && parts.slice(6).join(':') !== '';
    }
    return true;
  }

  private checkCredentials(value: JsonValue | undefined, loc: string, jsonata: boolean): void {
    if (!isObject(value)) {
      this.typeError('OBJECT', loc);
      return;
    }
    const dynamic = !jsonata && has(value, 'RoleArn.$');
    if (!has(value, 'RoleArn') && !dynamic) {
      this.schema("The field 'RoleArn' is required but was missing", loc); // AWS-recorded
      return;
    }
    if (has(value, 'RoleArn') && typeof value.RoleArn !== 'string') this.typeError('STRING', join(loc, 'RoleArn'));
    if (dynamic) {
      const dyn = value['RoleArn.$'];
      if (typeof dyn !== 'string' || !this.isValidDynamicValue(dyn)) {
        this.schema(
          "The value for the field 'RoleArn.$' must be a valid JSONPath or a valid intrinsic function call",
          join(loc, 'RoleArn.$'),
        );
      }
    }
  }

  private checkErrorEquals(value: JsonValue | undefined, loc: string): boolean {
    if (!Array.isArray(value)) {
      this.typeError('ARRAY', loc);
      return false;
    }
    if (value.length === 0) {
      this.schema('Value cannot be empty', loc);
      return false;
    }
    let all = false;
    value.forEach((name, i) => {
      const l = `${loc}[${i}]`;
      if (typeof name !== 'string') {
        this.typeError('STRING', l);
        return;
      }
      if (name.startsWith('States.') && !STATES_ERRORS.has(name)) {
        this.schema(`The value '${name}' is not a valid error name`, l);
      }
      if (name === 'States.ALL') all = true;
    });
    if (all && value.length > 1) this.schema("The value 'States.ALL' must appear alone in 'ErrorEquals'", loc);
    return all;
  }

  private checkRetry(value: JsonValue | undefined, loc: string): void {
    if (!Array.isArray(value)) {
      this.typeError('ARRAY', loc);
      return;
    }
    value.forEach((r, i) => {
      const l = `${loc}[${i}]`;
      if (!isObject(r)) {
        this.typeError('OBJECT', l);
        return;
      }
      if (!has(r, 'ErrorEquals')) this.schema("The field 'ErrorEquals' is required but was missing", l);
      for (const key of keysOf(r)) {
        const v = r[key];
        const kl = join(l, key);
        switch (key) {
          case 'ErrorEquals':
            if (this.checkErrorEquals(v, kl) && i !== value.length - 1) {
              this.schema("A retrier with 'States.ALL' must be the last one", kl);
            }
            break;
          case 'IntervalSeconds':
            this.checkInteger(v, kl, 1, MAX_ERROR_RANGE);
            break;
          case 'MaxAttempts':
            this.checkInteger(v, kl, 0, MAX_ERROR_RANGE);
            break;
          case 'BackoffRate':
            this.checkNumber(v, kl, 1, Number.MAX_VALUE);
            break;
          case 'MaxDelaySeconds':
            this.checkInteger(v, kl, 1, 31_622_400);
            break;
          case 'JitterStrategy':
            if (v !== 'FULL' && v !== 'NONE')
              this.schema("The field 'JitterStrategy' should have one of these values: [FULL, NONE]", kl);
            break;
          case 'Comment':
            if (typeof v !== 'string') this.typeError('STRING', kl);
            break;
          default:
            this.schema(`Field '${key}' is not supported`, l);
        }
      }
    });
  }

  private checkCatch(value: JsonValue | undefined, loc: string, jsonata: boolean): void {
    if (!Array.isArray(value)) {
      this.typeError('ARRAY', loc);
      return;
    }
    value.forEach((c, i) => {
      const l = `${loc}[${i}]`;
      if (!isObject(c)) {
        this.typeError('OBJECT', l);
        return;
      }
      const missing = ['ErrorEquals', 'Next'].filter((k) => !has(c, k));
      for (const k of missing) this.schema(`The field '${k}' is required but was missing`, l);
      for (const key of keysOf(c)) {
        const v = c[key];
        const kl = join(l, key);
        switch (key) {
          case 'ErrorEquals':
            if (this.checkErrorEquals(v, kl) && i !== value.length - 1) {
              this.schema("A catcher with 'States.ALL' must be the last one", kl);
            }
            break;
          case 'Next':
          case 'Comment':
            if (typeof v !== 'string') this.typeError('STRING', kl);
            break;
          case 'ResultPath':
            if (jsonata) {
              this.schema(
                "The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage",
                l,
              );
            } else if (v !== null) this.checkPath(v, kl, key, { reference: true, context: false, variables: false });
            break;
          case 'Output':
            if (!jsonata) {
              this.schema(
                "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
                l,
              );
            }
            break;
          case 'Assign':
            this.checkAssign(v, kl, jsonata);
            break;
          default:
            this.schema(`Field '${key}' is not supported`, l);
        }
      }
    });
  }

  private checkChoices(value: JsonValue | undefined, loc: string, jsonata: boolean): void {
    if (!Array.isArray(value)) {
      this.typeError('ARRAY', loc);
      return;
    }
    if (value.length === 0) {
      this.schema('Value cannot be empty', loc);
      return;
    }
    value.forEach((rule, i) => {
      const l = `${loc}[${i}]`;
      if (jsonata) this.checkJsonataRule(rule, l);
      else this.checkJsonPathRule(rule, l, true);
    });
  }

  private checkJsonataRule(rule: JsonValue | undefined, loc: string): void {
    if (!isObject(rule)) {
      this.typeError('OBJECT', loc);
      return;
    }
    const missing = ['Condition', 'Next'].filter((k) => !has(rule, k));
    if (missing.length > 0) this.schema(`These fields are required: [${missing.join(', ')}]`, loc);
    for (const key of keysOf(rule)) {
      const v = rule[key];
      const kl = join(loc, key);
      switch (key) {
        case 'Condition':
          if (typeof v !== 'boolean' && !isJsonataExpression(v)) {
            this.schema("The field 'Condition' must be a boolean or a JSONata expression", kl);
          }
          break;
        case 'Next':
        case 'Comment':
          if (typeof v !== 'string') this.typeError('STRING', kl);
          break;
        case 'Output':
          break;
        case 'Assign':
          this.checkAssign(v, kl, true);
          break;
        default:
          this.schema(`Field '${key}' is not supported`, loc);
      }
    }
  }

  /** A JSONPath Choice rule; iterative over `And`/`Or`/`Not`. */
  private checkJsonPathRule(rule: JsonValue | undefined, loc: string, topLevel: boolean): void {
    const stack: Array<{ rule: JsonValue | undefined; loc: string; top: boolean }> = [{ rule, loc, top: topLevel }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      const r = item.rule;
      const l = item.loc;
      if (!isObject(r)) {
        this.typeError('OBJECT', l);
        continue;
      }
      const ops: string[] = [];
      for (const key of keysOf(r)) {
        const v = r[key];
        const kl = join(l, key);
        if (key === 'Next') {
          if (!item.top) this.schema(`Field '${key}' is not supported`, l);
          else if (typeof v !== 'string') this.typeError('STRING', kl);
        } else if (key === 'Comment') {
          if (typeof v !== 'string') this.typeError('STRING', kl);
        } else if (key === 'Assign') {
          if (!item.top) this.schema(`Field '${key}' is not supported`, l);
          else this.checkAssign(v, kl, false);
        } else if (key === 'Variable') {
          this.checkPath(v, kl, key, { reference: true, context: true, variables: true });
        } else if (key === 'And' || key === 'Or') {
          ops.push(key);
          if (!Array.isArray(v)) this.typeError('ARRAY', kl);
          else if (v.length === 0) this.schema('Value cannot be empty', kl);
          else for (let i = v.length - 1; i >= 0; i--) stack.push({ rule: v[i], loc: `${kl}[${i}]`, top: false });
        } else if (key === 'Not') {
          ops.push(key);
          stack.push({ rule: v, loc: kl, top: false });
        } else if (OPERATORS[key] !== undefined) {
          ops.push(key);
          this.checkOperatorValue(OPERATORS[key]!, key, v, kl);
        } else {
          this.schema(`Field '${key}' is not supported`, l);
        }
      }
      if (item.top && !has(r, 'Next')) this.schema("The field 'Next' is required but was missing", l);
      const comparison = ops.filter((o) => o !== 'And' && o !== 'Or' && o !== 'Not');
      if (ops.length !== 1) {
        this.schema(
          ops.length === 0
            ? 'A choice rule must contain exactly one comparison operator or one of [And, Or, Not]'
            : `A choice rule must contain exactly one comparison operator or one of [And, Or, Not], found: [${ops.join(', ')}]`,
          l,
        );
      } else if (comparison.length === 1 && !has(r, 'Variable')) {
        this.schema("The field 'Variable' is required but was missing", l);
      } else if (comparison.length === 0 && has(r, 'Variable')) {
        this.schema("Field 'Variable' is not supported", l);
      }
    }
  }

  private checkOperatorValue(kind: OperatorKind, op: string, v: JsonValue | undefined, loc: string): void {
    switch (kind) {
      case 'string':
        if (typeof v !== 'string') this.typeError('STRING', loc);
        return;
      case 'number':
        if (typeof v !== 'number') this.typeError('NUMBER', loc);
        return;
      case 'boolean':
      case 'flag':
        if (typeof v !== 'boolean') this.typeError('BOOLEAN', loc);
        return;
      case 'timestamp':
        if (typeof v !== 'string') this.typeError('STRING', loc);
        else if (!isRfc3339Timestamp(v)) this.schema('String does not match RFC3339 timestamp', loc);
        return;
      case 'path':
        this.checkPath(v, loc, op, { reference: true, context: true, variables: true });
        return;
    }
  }

  private checkLabel(value: JsonValue | undefined, loc: string): void {
    if (typeof value !== 'string') {
      this.typeError('STRING', loc);
      return;
    }
    // Unverified on AWS: the only recorded texts come from an emulator (see the package README).
    if (value.length === 0) this.schema('Value cannot be empty', loc);
    else if (value.length > 40) this.schema('Value must be at most 40 characters long', loc);
    else if (/[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(value) || hasControlCharacter(value)) {
      this.schema('Value contains invalid characters', loc);
    }
  }

  /**
   * The fields ItemReader and ResultWriter share: an S3 `Resource` among `actions`, and the request as
   * `Parameters` (JSONPath) or `Arguments` (JSONata).
   */
  private checkS3IoField(
    key: 'Resource' | 'Parameters' | 'Arguments',
    v: JsonValue | undefined,
    kl: string,
    loc: string,
    jsonata: boolean,
    actions: readonly string[],
  ): void {
    if (key === 'Resource') {
      if (typeof v !== 'string') this.typeError('STRING', kl);
      else if (!new RegExp(`^arn:[^:]+:states:::s3:(${actions.join('|')})$`).test(v)) {
        const examples = actions.map((a) => `arn:<partition>:states:::s3:${a}`).join(', ');
        this.schema(`The field 'Resource' does not match any of the allowed values. Examples: [${examples}]`, kl);
      }
    } else if (key === 'Parameters') {
      if (jsonata) this.wrongLanguage('JSONata', key, 'JSONPath', loc);
      else this.checkPayloadTemplate(v, kl);
    } else if (!jsonata) this.wrongLanguage('JSONPath', key, 'JSONata', loc);
  }

  private checkItemReader(value: JsonValue | undefined, loc: string, jsonata: boolean): void {
    if (!isObject(value)) {
      this.typeError('OBJECT', loc);
      return;
    }
    if (!has(value, 'Resource')) this.schema("The field 'Resource' is required but was missing", loc);
    for (const key of keysOf(value)) {
      const v = value[key];
      const kl = join(loc, key);
      switch (key) {
        case 'Resource':
        case 'Parameters':
        case 'Arguments':
          this.checkS3IoField(key, v, kl, loc, jsonata, ['getObject', 'listObjectsV2']);
          break;
        case 'ReaderConfig':
          this.checkReaderConfig(v, kl, jsonata);
          break;
        default:
          this.schema(`Field '${key}' is not supported`, loc);
      }
    }
  }

  private wrongLanguage(lang: string, field: string, fieldLang: string, loc: string): void {
    this.schema(
      `The QueryLanguage is set to '${lang}', but field '${field}' is only supported for the '${fieldLang}' QueryLanguage`,
      loc,
    );
  }

  private checkReaderConfig(value: JsonValue | undefined, loc: string, jsonata: boolean): void {
    if (!isObject(value)) {
      this.typeError('OBJECT', loc);
      return;
    }
    const enums: Record<string, readonly string[]> = {
      InputType: ['CSV', 'JSON', 'JSONL', 'MANIFEST', 'PARQUET'],
      CSVHeaderLocation: ['FIRST_ROW', 'GIVEN'],
      CSVDelimiter: ['COMMA', 'PIPE', 'SEMICOLON', 'TAB', 'SPACE'],
    };
    for (const key of keysOf(value)) {
      const v = value[key];
      const kl = join(loc, key);
      if (enums[key]) {
        if (typeof v !== 'string' || !enums[key].includes(v)) {
          this.schema(`The field '${key}' should have one of these values: [${enums[key].join(', ')}]`, kl);
        }
      } else if (key === 'CSVHeaders') {
        if (!Array.isArray(value[key]) || !(v as JsonValue[]).every((h) => typeof h === 'string'))
          this.typeError('ARRAY', kl);
      } else if (key === 'MaxItems') {
        if (!(jsonata && isJsonataExpression(v))) this.checkInteger(v, kl, 0, 100_000_000);
      } else if (key === 'MaxItemsPath') {
        if (jsonata) this.wrongLanguage('JSONata', key, 'JSONPath', loc);
        else this.checkPath(v, kl, key, { reference: true, context: true, variables: true });
      } else {
        this.schema(`Field '${key}' is not supported`, loc);
      }
    }
    if (has(value, 'MaxItems') && has(value, 'MaxItemsPath'))
      this.schema('These fields are mutually exclusive: [MaxItems, MaxItemsPath]', loc);
  }

  private checkItemBatcher(value: JsonValue | undefined, loc: string, jsonata: boolean): void {
    if (!isObject(value)) {
      this.typeError('OBJECT', loc);
      return;
    }
    for (const key of keysOf(value)) {
      const v = value[key];
      const kl = join(loc, key);
      switch (key) {
        case 'MaxItemsPerBatch':
          if (!(jsonata && isJsonataExpression(v))) this.checkInteger(v, kl, 0, Number.POSITIVE_INFINITY);
          break;
        case 'MaxInputBytesPerBatch':
          if (!(jsonata && isJsonataExpression(v))) this.checkInteger(v, kl, 0, 262_144);
          break;
        case 'MaxItemsPerBatchPath':
        case 'MaxInputBytesPerBatchPath':
          if (jsonata) this.wrongLanguage('JSONata', key, 'JSONPath', loc);
          else this.checkPath(v, kl, key, { reference: true, context: true, variables: true });
          break;
        case 'BatchInput':
          if (!jsonata) this.checkPayloadTemplate(v, kl);
          break;
        default:
          this.schema(`Field '${key}' is not supported`, loc);
      }
    }
    for (const [a, b] of [
      ['MaxItemsPerBatch', 'MaxItemsPerBatchPath'],
      ['MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'],
    ] as const) {
      if (has(value, a) && has(value, b)) this.schema(`These fields are mutually exclusive: [${a}, ${b}]`, loc);
    }
  }

  private checkResultWriter(value: JsonValue | undefined, loc: string, jsonata: boolean): void {
    if (!isObject(value)) {
      this.typeError('OBJECT', loc);
      return;
    }
    for (const key of keysOf(value)) {
      const v = value[key];
      const kl = join(loc, key);
      switch (key) {
        case 'Resource':
        case 'Parameters':
        case 'Arguments':
          this.checkS3IoField(key, v, kl, loc, jsonata, ['putObject']);
          break;
        case 'WriterConfig':
          if (!isObject(v)) this.typeError('OBJECT', kl);
          else {
            for (const wk of keysOf(v)) {
              const wv = v[wk];
              if (wk === 'OutputType') {
                if (wv !== 'JSON' && wv !== 'JSONL')
                  this.schema("The field 'OutputType' should have one of these values: [JSON, JSONL]", join(kl, wk));
              } else if (wk === 'Transformation') {
                if (wv !== 'NONE' && wv !== 'FLATTEN' && wv !== 'COMPACT') {
                  this.schema(
                    "The field 'Transformation' should have one of these values: [NONE, FLATTEN, COMPACT]",
                    join(kl, wk),
                  );
                }
              } else this.schema(`Field '${wk}' is not supported`, kl);
            }
          }
          break;
        default:
          this.schema(`Field '${key}' is not supported`, loc);
      }
    }
  }

  /** Parses every `{% %}` string of a JSONata state (outside the fields AWS leaves alone). */
  private checkJsonataFields(st: JsonObject, path: string): void {
    const stack: Array<{ v: JsonValue | undefined; loc: string; top: boolean }> = [];
    const keys = keysOf(st);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (NOT_JSONATA_FIELDS.has(key)) continue;
      stack.push({
        v: st[key],
        loc: join(path, key),
        top:
          key === 'Choices' ||
          key === 'Catch' ||
          key === 'ItemReader' ||
          key === 'ItemBatcher' ||
          key === 'ResultWriter',
      });
    }
    while (stack.length > 0) {
      const { v, loc, top } = stack.pop()!;
      if (typeof v === 'string') {
        if (!isJsonataExpression(v)) continue;
        const r = checkJsonata(jsonataBody(v));
        if (!r.ok) {
          this.error(
            r.kind === 'invalid'
              ? DiagnosticCode.INVALID_JSONATA_EXPRESSION
              : DiagnosticCode.UNSUPPORTED_JSONATA_EXPRESSION,
            r.message,
            loc,
          );
        }
        continue;
      }
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], loc: `${loc}[${i}]`, top });
        continue;
      }
      if (!isObject(v)) continue;
      const ks = keysOf(v);
      for (let i = ks.length - 1; i >= 0; i--) {
        const k = ks[i]!;
        // Inside Choices/Catch/ItemReader/… items the ASL field names still apply; inside payloads they do not.
        if (top && NOT_JSONATA_FIELDS.has(k)) continue;
        stack.push({ v: v[k], loc: join(loc, k), top: top && (k === 'ReaderConfig' || k === 'WriterConfig') });
      }
    }
  }

  // ── Graph ──────────────────────────────────────────────────────────────────────────────────────────

  private validateGraph(c: Container): void {
    const { states, path } = c;
    if (!states) return;
    const names = keysOf(states);
    const exists = (n: JsonValue | undefined): boolean => typeof n === 'string' && has(states, n);
    const edges = new Map<string, string[]>();
    let hasTerminal = false;
    for (const name of names) {
      const st = states[name];
      const sp = join(join(path, 'States'), name);
      const targets: string[] = [];
      if (!isObject(st)) continue;
      const check = (target: JsonValue | undefined, loc: string) => {
        if (typeof target !== 'string') return;
        targets.push(target);
        // AWS-recorded wording: always 'Next', whatever the field.
        if (!exists(target))
          this.error(DiagnosticCode.MISSING_TRANSITION_TARGET, `Missing 'Next' target: ${target}`, loc);
      };
      check(st.Next, join(sp, 'Next'));
      if (st.Type === 'Choice' && Array.isArray(st.Choices)) {
        st.Choices.forEach((rule, i) => {
          if (isObject(rule)) check(rule.Next, `${sp}/Choices[${i}]/Next`);
        });
      }
      check(st.Default, join(sp, 'Default'));
      if (Array.isArray(st.Catch)) {
        st.Catch.forEach((catcher, i) => {
          if (isObject(catcher)) check(catcher.Next, `${sp}/Catch[${i}]/Next`);
        });
      }
      if (st.End === true || st.Type === 'Succeed' || st.Type === 'Fail') hasTerminal = true;
      edges.set(name, targets);
    }
    if (!hasTerminal) {
      this.error(DiagnosticCode.MISSING_END_STATE, 'Workflow has no terminal state');
      return;
    }
    const startAt = c.obj.StartAt;
    const reachable = new Set<string>();
    if (exists(startAt)) {
      const queue = [startAt as string];
      reachable.add(startAt as string);
      for (let head = 0; head < queue.length; head++) {
        const cur = queue[head]!;
        for (const t of edges.get(cur) ?? []) {
          if (has(states, t) && !reachable.has(t)) {
            reachable.add(t);
            queue.push(t);
          }
        }
      }
    } else if (typeof startAt === 'string') {
      this.error(DiagnosticCode.MISSING_TRANSITION_TARGET, `Missing 'Next' target: ${startAt}`, join(path, 'StartAt'));
    }
    for (const name of names) {
      if (!reachable.has(name)) {
        this.error(
          DiagnosticCode.MISSING_TRANSITION_TARGET,
          `State "${name}" is not reachable.`,
          join(join(path, 'States'), name),
        );
      }
    }
  }
}

/** Runs both phases over definition text. @internal */
export function analyzeDefinition(
  text: string,
  type: 'STANDARD' | 'EXPRESS' = 'STANDARD',
  stateName?: string,
): Analysis {
  if (typeof text !== 'string') {
    return {
      diagnostics: [
        { severity: 'ERROR', code: DiagnosticCode.MISSING_DESCRIPTION, message: 'Definition must be a string' },
      ],
      root: undefined,
    };
  }
  const scanned = scanJson(text);
  if (!scanned.ok) {
    return {
      diagnostics: [
        {
          severity: 'ERROR',
          code: DiagnosticCode.INVALID_JSON_DESCRIPTION,
          message: scanned.error.message,
          location: scanned.error.location,
        },
      ],
      root: undefined,
    };
  }
  let value = scanned.value;
  if (stateName !== undefined && isObject(value)) {
    const states = Object.create(null) as JsonObject;
    states[stateName] = value;
    value = Object.assign(Object.create(null) as JsonObject, { StartAt: stateName, States: states });
  }
  const v = new Validator(type, stateName !== undefined);
  try {
    v.run(value);
  } catch (e) {
    // Defensive: the validator has no unbounded recursion, but it must never throw.
    v.diags.push({
      severity: 'ERROR',
      code: DiagnosticCode.SCHEMA_VALIDATION_FAILED,
      message: e instanceof RangeError ? 'Definition is too deeply nested' : 'Definition could not be validated',
    });
  }
  return { diagnostics: v.diags, root: isObject(value) ? value : undefined };
}

function toResult(diagnostics: Diagnostic[], options: ValidateOptions): ValidateResult {
  const failed = diagnostics.some((d) => d.severity === 'ERROR');
  const wanted = options.severity === 'WARNING' ? diagnostics : diagnostics.filter((d) => d.severity === 'ERROR');
  const requested = options.maxResults;
  const max = requested === undefined || requested <= 0 || requested > 100 ? 100 : Math.floor(requested);
  return { result: failed ? 'FAIL' : 'OK', diagnostics: wanted.slice(0, max), truncated: wanted.length > max };
}

/**
 * Validates a single state definition, as the TestState API does: the state is checked as
 * `{"StartAt": <stateName>, "States": {<stateName>: <state>}}` (default name `StateName`, the name AWS
 * reports, e.g. `Value cannot be empty at /States/StateName/Branches`), and its own `Next` may name a
 * state that is not there. Nested branches and item processors are checked in full. Never throws.
 * @public
 */
export function validateStateDefinition(
  text: string,
  options: ValidateOptions & { readonly stateName?: string } = {},
): ValidateResult {
  const { diagnostics } = analyzeDefinition(text, options.type ?? 'STANDARD', options.stateName ?? 'StateName');
  return toResult(diagnostics, options);
}

/**
 * Validates an Amazon States Language definition the way `ValidateStateMachineDefinition` does and
 * returns the same response shape. Never throws.
 * @public
 */
export function validateDefinition(text: string, options: ValidateOptions = {}): ValidateResult {
  const { diagnostics } = analyzeDefinition(text, options.type ?? 'STANDARD');
  return toResult(diagnostics, options);
}
