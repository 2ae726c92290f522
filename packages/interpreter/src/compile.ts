/**
 * Definition → machine. The definition has already been validated by `@statecraft/asl`; compiling indexes
 * every scope (top level, Parallel branches, Map processors) and precompiles paths, payload templates,
 * intrinsic calls and JSONata expressions once, so executions only evaluate.
 */
import { type CompiledPath, compilePath } from './data-flow/json-path.js';
import {
  compileDynamic,
  compileJsonataTemplate,
  compilePathTemplate,
  type JsonataTemplate,
  type PathTemplate,
} from './data-flow/template.js';

/** @internal */
export type StateType = 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

/** @internal */
export interface Retrier {
  readonly errorEquals: readonly string[];
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds?: number;
  readonly jitter: boolean;
}

/** @internal */
export interface Catcher {
  readonly errorEquals: readonly string[];
  readonly next: string;
  readonly resultPath?: CompiledPath | null;
  readonly output?: JsonataTemplate;
  readonly assign?: AssignSpec;
}

/** @internal */
export type AssignSpec =
  | { readonly lang: 'path'; readonly t: PathTemplate }
  | { readonly lang: 'jsonata'; readonly t: JsonataTemplate };

/** A value that is a literal, a JSONata expression or (JSONPath) read from a path. @internal */
export type Dyn =
  | { readonly k: 'lit'; readonly v: unknown }
  | { readonly k: 'path'; readonly path: CompiledPath; readonly field: string }
  | { readonly k: 'jsonata'; readonly t: JsonataTemplate }
  | { readonly k: 'tpl'; readonly t: PathTemplate; readonly field: string };

/** @internal */
export type ChoiceRule =
  | { readonly k: 'and' | 'or'; readonly rules: readonly ChoiceRule[] }
  | { readonly k: 'not'; readonly rule: ChoiceRule }
  | {
      readonly k: 'cmp';
      readonly variable: CompiledPath;
      readonly op: string;
      readonly value: unknown;
      readonly valuePath?: CompiledPath;
    }
  | { readonly k: 'cond'; readonly condition: JsonataTemplate; readonly literal?: unknown };

/** @internal */
export interface Choice {
  readonly rule: ChoiceRule;
  readonly next: string;
  readonly output?: JsonataTemplate;
  readonly assign?: AssignSpec;
}

/** @internal */
export interface ResourceInfo {
  readonly kind: 'lambda' | 'activity' | 'service';
  readonly resourceType: string;
  readonly resource: string;
  readonly sync: boolean;
  readonly callback: boolean;
}

/** One compiled state. @internal */
export interface CState {
  readonly name: string;
  readonly type: StateType;
  readonly jsonata: boolean;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly next?: string;
  readonly end: boolean;
  readonly inputPath?: CompiledPath | null;
  readonly outputPath?: CompiledPath | null;
  readonly parameters?: PathTemplate;
  readonly resultSelector?: PathTemplate;
  readonly resultPath?: CompiledPath | null;
  readonly hasResult: boolean;
  readonly result?: unknown;
  readonly assign?: AssignSpec;
  readonly arguments?: JsonataTemplate;
  readonly output?: JsonataTemplate;
  readonly retry: readonly Retrier[];
  readonly catch: readonly Catcher[];
  // Task
  readonly resourceInfo?: ResourceInfo;
  readonly timeoutSeconds?: Dyn;
  readonly heartbeatSeconds?: Dyn;
  readonly credentials?: PathTemplate | JsonataTemplate;
  // Choice
  readonly choices?: readonly Choice[];
  readonly default?: string;
  // Wait
  readonly seconds?: Dyn;
  readonly timestamp?: Dyn;
  // Fail
  readonly error?: Dyn;
  readonly cause?: Dyn;
  // Parallel
  readonly branches?: readonly string[];
  // Map
  readonly processor?: string;
  readonly distributed?: boolean;
  readonly executionType?: string;
  readonly itemsPath?: CompiledPath;
  readonly items?: JsonataTemplate;
  readonly itemSelector?: PathTemplate | JsonataTemplate;
  readonly legacyParameters?: boolean;
  readonly maxConcurrency?: Dyn;
  readonly toleratedFailureCount?: Dyn;
  readonly toleratedFailurePercentage?: Dyn;
  readonly itemBatcher?: {
    readonly maxItems?: Dyn;
    readonly maxBytes?: Dyn;
    readonly batchInput?: PathTemplate | JsonataTemplate;
  };
  readonly label?: string;
  readonly itemReader?: ItemReaderSpec;
  readonly resultWriter?: ResultWriterSpec;
}

/** A Map state's `ItemReader`, compiled. @internal */
export interface ItemReaderSpec {
  /** `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`, as written. */
  readonly resource: string;
  /** `Parameters` (JSONPath) or `Arguments` (JSONata). */
  readonly parameters?: PathTemplate | JsonataTemplate;
  readonly inputType?: string;
  readonly csvHeaderLocation?: string;
  readonly csvHeaders?: readonly string[];
  readonly csvDelimiter?: string;
  readonly maxItems?: Dyn;
}

/** A Map state's `ResultWriter`, compiled. @internal */
export interface ResultWriterSpec {
  /** `arn:aws:states:::s3:putObject`; absent with only a `WriterConfig` (results stay in the state output). */
  readonly resource?: string;
  readonly parameters?: PathTemplate | JsonataTemplate;
  readonly outputType?: 'JSON' | 'JSONL';
  readonly transformation?: 'NONE' | 'FLATTEN' | 'COMPACT';
}

/** A set of states with its own StartAt (top level, a Parallel branch, a Map processor). @internal */
export interface Scope {
  readonly id: string;
  readonly startAt: string;
  readonly states: ReadonlyMap<string, CState>;
}

/** A compiled state machine, reusable across executions. @public */
export interface Machine {
  readonly definition: Readonly<Record<string, unknown>>;
  readonly startAt: string;
  /** Top-level state definitions, as written. */
  readonly states: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** @internal */
  readonly scopes: ReadonlyMap<string, Scope>;
  /** Execution `TimeoutSeconds`. */
  readonly timeoutSeconds?: number;
  readonly queryLanguage: 'JSONPath' | 'JSONata';
  /** @internal */
  readonly compat: Compat;
}

/** @public */
export interface CompileOptions {
  /**
   * Emulate AWS as it recorded histories on this date (`YYYY-MM-DD`); default: the latest known behaviour.
   * AWS changed a few details over time, e.g. before 2024-11 a distributed Map's `MapStateExited` pointed
   * at `MapRunSucceeded`, since then at `MapRunStarted`.
   */
  readonly compatibilityDate?: string;
}

/** @internal */
export interface Compat {
  /** Distributed Map: `MapStateExited.previousEventId` is `MapRunSucceeded` (AWS before 2024-11). */
  readonly mapExitAfterMapRunSucceeded: boolean;
  /** No `$$.Execution.RedriveCount` (AWS before redrive shipped, 2023-11). */
  readonly noRedriveCount: boolean;
}

type Raw = Record<string, unknown>;

/** @public */
export function compileMachine(definition: unknown, options: CompileOptions = {}): Machine {
  const def = (definition ?? {}) as Raw;
  const jsonataDefault = def.QueryLanguage === 'JSONata';
  const scopes = new Map<string, Scope>();
  compileScope('', def, jsonataDefault, scopes);
  const top = new Map<string, Raw>();
  for (const [name, st] of Object.entries((def.States ?? {}) as Record<string, Raw>)) top.set(name, st);
  return {
    definition: def,
    startAt: String(def.StartAt),
    states: top,
    scopes,
    timeoutSeconds: typeof def.TimeoutSeconds === 'number' ? def.TimeoutSeconds : undefined,
    queryLanguage: jsonataDefault ? 'JSONata' : 'JSONPath',
    compat: {
      mapExitAfterMapRunSucceeded: options.compatibilityDate !== undefined && options.compatibilityDate < '2024-11-01',
      noRedriveCount: options.compatibilityDate !== undefined && options.compatibilityDate < '2023-11-15',
    },
  };
}

function compileScope(id: string, body: Raw, jsonataDefault: boolean, scopes: Map<string, Scope>): void {
  const states = new Map<string, CState>();
  scopes.set(id, { id, startAt: String(body.StartAt), states });
  for (const [name, raw] of Object.entries((body.States ?? {}) as Record<string, Raw>)) {
    states.set(name, compileState(name, raw, jsonataDefault, scopes));
  }
}

function optPath(raw: Raw, key: string): CompiledPath | null | undefined {
  if (!(key in raw)) return undefined;
  const v = raw[key];
  if (v === null) return null;
  return compilePath(String(v));
}

function assignSpec(v: unknown, jsonata: boolean): AssignSpec | undefined {
  if (v === undefined) return undefined;
  if (jsonata) return { lang: 'jsonata', t: compileJsonataTemplate(v, 'Assign') };
  return { lang: 'path', t: compilePathTemplate(v) };
}

function dyn(raw: Raw, key: string, jsonata: boolean): Dyn | undefined {
  const pathKey = `${key}Path`;
  if (!jsonata && typeof raw[pathKey] === 'string') {
    return { k: 'path', path: compilePath(raw[pathKey] as string), field: pathKey };
  }
  if (!(key in raw)) return undefined;
  if (jsonata) {
    const t = compileJsonataTemplate(raw[key], key);
    if (t.k === 'const') return { k: 'lit', v: t.v };
    return { k: 'jsonata', t };
  }
  return { k: 'lit', v: raw[key] };
}

/** @internal */
export function parseResource(resource: string): ResourceInfo {
  const m = /^arn:[^:]+:([^:]+):([^:]*):([^:]*):(.*)$/.exec(resource);
  if (m && m[1] === 'lambda' && m[4]!.startsWith('function:')) {
    return { kind: 'lambda', resourceType: 'lambda', resource, sync: false, callback: false };
  }
  if (m && m[1] === 'states' && m[4]!.startsWith('activity:')) {
    return { kind: 'activity', resourceType: 'activity', resource, sync: false, callback: false };
  }
  const rest = m && m[1] === 'states' ? m[4]! : resource;
  let resourceType: string;
  let name: string;
  if (rest.startsWith('aws-sdk:')) {
    const parts = rest.split(':');
    resourceType = `aws-sdk:${parts[1]}`;
    name = parts.slice(2).join(':');
  } else {
    const k = rest.indexOf(':');
    resourceType = k < 0 ? rest : rest.slice(0, k);
    name = k < 0 ? '' : rest.slice(k + 1);
  }
  return {
    kind: 'service',
    resourceType,
    resource: name,
    sync: /\.sync(:\d+)?$/.test(name),
    callback: name.endsWith('.waitForTaskToken'),
  };
}

function compileRule(raw: Raw): ChoiceRule {
  if (Array.isArray(raw.And)) return { k: 'and', rules: (raw.And as Raw[]).map(compileRule) };
  if (Array.isArray(raw.Or)) return { k: 'or', rules: (raw.Or as Raw[]).map(compileRule) };
  if (raw.Not && typeof raw.Not === 'object') return { k: 'not', rule: compileRule(raw.Not as Raw) };
  const variable = compilePath(String(raw.Variable ?? '$'));
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'Variable' || key === 'Next' || key === 'Comment' || key === 'Assign' || key === 'Output') continue;
    if (key.endsWith('Path') && key !== 'IsPresent' && typeof value === 'string') {
      return { k: 'cmp', variable, op: key.slice(0, -4), value: undefined, valuePath: compilePath(value) };
    }
    return { k: 'cmp', variable, op: key, value };
  }
  return { k: 'cmp', variable, op: 'IsPresent', value: true };
}

function compileState(name: string, raw: Raw, jsonataDefault: boolean, scopes: Map<string, Scope>): CState {
  const type = String(raw.Type) as StateType;
  const jsonata = raw.QueryLanguage === 'JSONata' || (raw.QueryLanguage === undefined && jsonataDefault);
  const retry: Retrier[] = ((raw.Retry ?? []) as Raw[]).map((r) => ({
    errorEquals: (r.ErrorEquals ?? []) as string[],
    intervalSeconds: typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1,
    maxAttempts: typeof r.MaxAttempts === 'number' ? r.MaxAttempts : 3,
    backoffRate: typeof r.BackoffRate === 'number' ? r.BackoffRate : 2,
    maxDelaySeconds: typeof r.MaxDelaySeconds === 'number' ? r.MaxDelaySeconds : undefined,
    jitter: r.JitterStrategy === 'FULL',
  }));
  const catchers: Catcher[] = ((raw.Catch ?? []) as Raw[]).map((c) => ({
    errorEquals: (c.ErrorEquals ?? []) as string[],
    next: String(c.Next),
    resultPath: jsonata ? undefined : optPath(c, 'ResultPath'),
    output: jsonata && 'Output' in c ? compileJsonataTemplate(c.Output, 'Output') : undefined,
    assign: assignSpec(c.Assign, jsonata),
  }));
  const base = {
    name,
    type,
    jsonata,
    raw,
    next: typeof raw.Next === 'string' ? raw.Next : undefined,
    end: raw.End === true || type === 'Succeed' || type === 'Fail',
    retry,
    catch: catchers,
    assign: assignSpec(raw.Assign, jsonata),
    hasResult: 'Result' in raw,
    result: raw.Result,
  };
  const jp = jsonata
    ? {
        arguments: 'Arguments' in raw ? compileJsonataTemplate(raw.Arguments, 'Arguments') : undefined,
        output: 'Output' in raw ? compileJsonataTemplate(raw.Output, 'Output') : undefined,
      }
    : {
        inputPath: optPath(raw, 'InputPath'),
        outputPath: optPath(raw, 'OutputPath'),
        resultPath: optPath(raw, 'ResultPath'),
        parameters: 'Parameters' in raw && type !== 'Map' ? compilePathTemplate(raw.Parameters) : undefined,
        resultSelector: 'ResultSelector' in raw ? compilePathTemplate(raw.ResultSelector) : undefined,
      };
  const s: Record<string, unknown> = { ...base, ...jp };
  switch (type) {
    case 'Task': {
      s.resourceInfo = parseResource(String(raw.Resource));
      s.timeoutSeconds = dyn(raw, 'TimeoutSeconds', jsonata);
      s.heartbeatSeconds = dyn(raw, 'HeartbeatSeconds', jsonata);
      if (raw.Credentials !== undefined) {
        s.credentials = jsonata
          ? compileJsonataTemplate(raw.Credentials, 'Credentials')
          : compilePathTemplate(raw.Credentials);
      }
      break;
    }
    case 'Choice': {
      s.choices = ((raw.Choices ?? []) as Raw[]).map((c) => ({
        rule: jsonata
          ? ({ k: 'cond', condition: compileJsonataTemplate(c.Condition, 'Condition') } as ChoiceRule)
          : compileRule(c),
        next: String(c.Next),
        output: jsonata && 'Output' in c ? compileJsonataTemplate(c.Output, 'Output') : undefined,
        assign: assignSpec(c.Assign, jsonata),
      }));
      s.default = typeof raw.Default === 'string' ? raw.Default : undefined;
      break;
    }
    case 'Wait':
      s.seconds = dyn(raw, 'Seconds', jsonata);
      s.timestamp = dyn(raw, 'Timestamp', jsonata);
      break;
    case 'Fail': {
      if (!jsonata && typeof raw.ErrorPath === 'string') {
        s.error = { k: 'tpl', t: compileDynamic(raw.ErrorPath, 'ErrorPath'), field: 'ErrorPath' } as Dyn;
      } else s.error = dyn(raw, 'Error', jsonata);
      if (!jsonata && typeof raw.CausePath === 'string') {
        s.cause = { k: 'tpl', t: compileDynamic(raw.CausePath, 'CausePath'), field: 'CausePath' } as Dyn;
      } else s.cause = dyn(raw, 'Cause', jsonata);
      break;
    }
    case 'Parallel': {
      const ids: string[] = [];
      ((raw.Branches ?? []) as Raw[]).forEach((b, i) => {
        const id = `${name}#${i}`;
        ids.push(id);
        compileScope(id, b, jsonata, scopes);
      });
      s.branches = ids;
      break;
    }
    case 'Map': {
      const proc = (raw.ItemProcessor ?? raw.Iterator ?? {}) as Raw;
      const cfg = (proc.ProcessorConfig ?? {}) as Raw;
      const id = `${name}#map`;
      compileScope(id, proc, jsonata, scopes);
      s.processor = id;
      s.distributed = cfg.Mode === 'DISTRIBUTED';
      s.executionType = typeof cfg.ExecutionType === 'string' ? cfg.ExecutionType : 'STANDARD';
      if (jsonata) {
        if ('Items' in raw) s.items = compileJsonataTemplate(raw.Items, 'Items');
        if ('ItemSelector' in raw) s.itemSelector = compileJsonataTemplate(raw.ItemSelector, 'ItemSelector');
      } else {
        if (typeof raw.ItemsPath === 'string') s.itemsPath = compilePath(raw.ItemsPath);
        const sel = raw.ItemSelector ?? raw.Parameters;
        if (sel !== undefined) s.itemSelector = compilePathTemplate(sel);
        s.legacyParameters = raw.ItemSelector === undefined && raw.Parameters !== undefined;
      }
      s.maxConcurrency = dyn(raw, 'MaxConcurrency', jsonata);
      s.toleratedFailureCount = dyn(raw, 'ToleratedFailureCount', jsonata);
      s.toleratedFailurePercentage = dyn(raw, 'ToleratedFailurePercentage', jsonata);
      if (raw.ItemBatcher && typeof raw.ItemBatcher === 'object') {
        const b = raw.ItemBatcher as Raw;
        s.itemBatcher = {
          maxItems: dyn(b, 'MaxItemsPerBatch', jsonata),
          maxBytes: dyn(b, 'MaxInputBytesPerBatch', jsonata),
          batchInput:
            b.BatchInput === undefined
              ? undefined
              : jsonata
                ? compileJsonataTemplate(b.BatchInput, 'ItemBatcher/BatchInput')
                : compilePathTemplate(b.BatchInput),
        };
      }
      s.label = typeof raw.Label === 'string' ? raw.Label : undefined;
      if (raw.ItemReader && typeof raw.ItemReader === 'object')
        s.itemReader = compileItemReader(raw.ItemReader as Raw, jsonata);
      if (raw.ResultWriter && typeof raw.ResultWriter === 'object')
        s.resultWriter = compileResultWriter(raw.ResultWriter as Raw, jsonata);
      break;
    }
    default:
      break;
  }
  return s as unknown as CState;
}

/** The request of an ItemReader/ResultWriter: `Parameters` (JSONPath) or `Arguments` (JSONata). */
function s3Request(raw: Raw, jsonata: boolean): PathTemplate | JsonataTemplate | undefined {
  if (jsonata) return 'Arguments' in raw ? compileJsonataTemplate(raw.Arguments, 'Arguments') : undefined;
  return 'Parameters' in raw ? compilePathTemplate(raw.Parameters) : undefined;
}

function compileItemReader(raw: Raw, jsonata: boolean): ItemReaderSpec {
  const cfg = (raw.ReaderConfig && typeof raw.ReaderConfig === 'object' ? raw.ReaderConfig : {}) as Raw;
  const spec: Record<string, unknown> = { resource: String(raw.Resource ?? '') };
  const parameters = s3Request(raw, jsonata);
  if (parameters) spec.parameters = parameters;
  if (typeof cfg.InputType === 'string') spec.inputType = cfg.InputType;
  if (typeof cfg.CSVHeaderLocation === 'string') spec.csvHeaderLocation = cfg.CSVHeaderLocation;
  if (Array.isArray(cfg.CSVHeaders)) spec.csvHeaders = cfg.CSVHeaders.map(String);
  if (typeof cfg.CSVDelimiter === 'string') spec.csvDelimiter = cfg.CSVDelimiter;
  const maxItems = dyn(cfg, 'MaxItems', jsonata);
  if (maxItems) spec.maxItems = maxItems;
  return spec as unknown as ItemReaderSpec;
}

function compileResultWriter(raw: Raw, jsonata: boolean): ResultWriterSpec {
  const cfg = (raw.WriterConfig && typeof raw.WriterConfig === 'object' ? raw.WriterConfig : {}) as Raw;
  const spec: Record<string, unknown> = {};
  if (typeof raw.Resource === 'string') spec.resource = raw.Resource;
  const parameters = s3Request(raw, jsonata);
  if (parameters) spec.parameters = parameters;
  if (cfg.OutputType === 'JSON' || cfg.OutputType === 'JSONL') spec.outputType = cfg.OutputType;
  if (cfg.Transformation === 'NONE' || cfg.Transformation === 'FLATTEN' || cfg.Transformation === 'COMPACT')
    spec.transformation = cfg.Transformation;
  return spec as unknown as ResultWriterSpec;
}
