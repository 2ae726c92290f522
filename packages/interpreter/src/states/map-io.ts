/**
 * A Map state's S3 I/O as pure functions: turning what `ItemReader` fetched into items (ReaderConfig: CSV,
 * JSON, JSONL, listObjectsV2 contents, MaxItems) and laying out what `ResultWriter` writes (result files
 * and `manifest.json`). The S3 calls themselves leave the interpreter as `InvokeTask` commands; their
 * outcomes come back as task inputs.
 *
 * Contract with the S3 invoker: `s3:getObject` succeeds with the object's body as a JSON string;
 * `s3:listObjectsV2` with `{"Contents":[{Key, Size, ETag, LastModified, StorageClass}…]}`, every page
 * collected; `s3:putObject` takes `{Bucket, Key, Body}` with `Body` a string.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
import type { ItemReaderSpec, ResultWriterSpec } from '../compile.js';
import { isoTime } from '../data-flow/timestamp.js';
import { ERR, StateFailure } from '../errors/state-errors.js';

/** AWS's causes for `States.ItemReaderFailed` (ASL.md §12). @internal */
export const READER_CAUSE = {
  duplicateHeaders: 'CSV headers cannot contain duplicates.',
  notIterable: 'Attempting to map over non-iterable node.',
  maxItems: 'field MaxItems must be positive',
} as const;

/** AWS's ceiling on `MaxItems`; 0 means no limit. */
const MAX_ITEMS_CEILING = 100_000_000;

const DELIMITERS: Readonly<Record<string, string>> = {
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
  SPACE: ' ',
};

/** @internal */
export function readerFailed(cause: string): StateFailure {
  return new StateFailure(ERR.ItemReaderFailed, cause);
}

/** Whether the reader lists objects (`s3:listObjectsV2`) rather than reading one. @internal */
export function isListing(spec: ItemReaderSpec): boolean {
  return /:s3:listObjectsV2$/.test(spec.resource);
}

/**
 * The `MaxItems` limit as the reader applies it: 0 (or none) reads everything; negative values fail with
 * AWS's cause; values above 100,000,000 are clipped.
 * @internal
 */
export function readerLimit(maxItems: number | undefined): number {
  if (maxItems === undefined || maxItems === 0) return MAX_ITEMS_CEILING;
  if (maxItems < 0) throw readerFailed(READER_CAUSE.maxItems);
  return Math.min(maxItems, MAX_ITEMS_CEILING);
}

/**
 * Turns the reader's task result into the items, before MaxItems. `select` applies `ItemsPath` to a JSON
 * document (AWS reads a nested array of a JSON object that way) *(unverified)*.
 * @internal
 */
export function readItems(spec: ItemReaderSpec, result: unknown, select?: (doc: unknown) => unknown): unknown[] {
  if (isListing(spec)) {
    // listObjectsV2 lists objects; a ReaderConfig InputType does not apply to it
    const contents = Array.isArray(result) ? result : (result as { Contents?: unknown } | null)?.Contents;
    if (contents === undefined || contents === null) return [];
    if (!Array.isArray(contents)) throw readerFailed(READER_CAUSE.notIterable);
    return contents;
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  switch (spec.inputType ?? 'JSON') {
    case 'CSV':
      return csvItems(body, spec);
    case 'JSONL':
      return jsonlItems(body);
    case 'JSON': {
      let doc: unknown;
      if (typeof result === 'string') {
        try {
          doc = JSON.parse(body);
        } catch {
          // *(unverified)* cause text: AWS's wording for an object that is not JSON is not recorded
          throw readerFailed('The object content is not valid JSON.');
        }
      } else doc = result;
      const items = select ? select(doc) : doc;
      if (!Array.isArray(items)) throw readerFailed(READER_CAUSE.notIterable);
      return items;
    }
    default:
      // MANIFEST (S3 Inventory) lists gzip-compressed CSV files; PARQUET is binary. Neither is read here.
      throw readerFailed(
        `Statecraft does not support ItemReader InputType '${spec.inputType}': use CSV, JSON, JSONL or s3:listObjectsV2.`,
      );
  }
}

function jsonlItems(body: string): unknown[] {
  const out: unknown[] = [];
  for (const line of body.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // *(unverified)* cause text
      throw readerFailed('The object content is not valid JSON Lines.');
    }
  }
  return out;
}

function csvItems(body: string, spec: ItemReaderSpec): unknown[] {
  const rows = parseCsv(body, DELIMITERS[spec.csvDelimiter ?? 'COMMA'] ?? ',');
  let headers: readonly string[];
  if (spec.csvHeaderLocation === 'GIVEN') headers = spec.csvHeaders ?? [];
  else headers = rows.shift() ?? [];
  if (new Set(headers).size !== headers.length) throw readerFailed(READER_CAUSE.duplicateHeaders);
  return rows.map((row) => {
    // each row becomes an object of strings; missing trailing fields are empty *(extra fields: unverified)*
    const o: Record<string, string> = {};
    headers.forEach((h, i) => {
      o[h] = row[i] ?? '';
    });
    return o;
  });
}

/**
 * RFC 4180 CSV: fields separated by `delimiter`, optionally double-quoted (a quoted field may hold the
 * delimiter, line breaks and `""` for a quote); rows end with LF or CRLF; empty lines are skipped.
 * @internal
 */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let touched = false;
  const endRow = () => {
    if (touched || row.length > 0) {
      row.push(field);
      rows.push(row);
    }
    row = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      touched = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      touched = true;
    } else if (c === '\n') endRow();
    else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else {
      field += c;
      touched = true;
    }
  }
  endRow();
  return rows;
}

// ------------------------------------------------------------------ ResultWriter

/** One child (iteration or child execution) as the ResultWriter reports it. @internal */
export interface ChildResult {
  readonly index: number;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** A `s3:putObject` request (the invoker contract). @internal */
export interface PutObject {
  readonly Bucket: string;
  readonly Key: string;
  readonly Body: string;
}

/** @internal */
export interface WritePlan {
  /** Result files first, `manifest.json` last. */
  readonly puts: PutObject[];
  /** The Map state's result: the Map Run ARN and where the manifest is. */
  readonly result: unknown;
}

/**
 * The results a `ResultWriter` with only a `WriterConfig` leaves in the state output: COMPACT (the default)
 * keeps the outputs, FLATTEN flattens array outputs one level, NONE keeps the execution records
 * *(unverified for iterations that failed within the tolerated threshold)*.
 * @internal
 */
export function transformResults(spec: ResultWriterSpec, children: readonly ChildResult[], meta: ChildMeta): unknown[] {
  const t = spec.transformation ?? 'COMPACT';
  return transformed(t, children, meta);
}

/** What the execution records of the NONE transformation carry besides each child's data. @internal */
export interface ChildMeta {
  /** ARN prefix of the child executions, `arn:…:execution:<state machine>/<label>:`. */
  readonly executionArnPrefix: string;
  readonly stateMachineArn: string;
  readonly startDate: number;
  readonly stopDate: number;
  /** The name of the child execution of an item (a UUID). */
  readonly name: (index: number) => string;
}

function transformed(t: string, children: readonly ChildResult[], meta: ChildMeta): unknown[] {
  const out: unknown[] = [];
  for (const c of children) {
    if (t === 'NONE' || c.status === 'FAILED') out.push(executionRecord(c, meta));
    else if (t === 'FLATTEN' && Array.isArray(c.output)) out.push(...c.output);
    else out.push(c.output);
  }
  return out;
}

/**
 * The execution record AWS writes per child with Transformation NONE (shape from AWS's documentation and
 * published exports; dates, names and redrive fields *(unverified)*).
 */
function executionRecord(c: ChildResult, meta: ChildMeta): Record<string, unknown> {
  const name = meta.name(c.index);
  const rec: Record<string, unknown> = {
    ExecutionArn: `${meta.executionArnPrefix}${name}`,
    Input: JSON.stringify(c.input),
    InputDetails: { Included: true },
    Name: name,
  };
  if (c.status === 'SUCCEEDED') {
    rec.Output = JSON.stringify(c.output);
    rec.OutputDetails = { Included: true };
  } else {
    if (c.error !== undefined) rec.Error = c.error;
    if (c.cause !== undefined) rec.Cause = c.cause;
  }
  rec.RedriveCount = 0;
  rec.RedriveStatus = c.status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE';
  if (c.status === 'SUCCEEDED') rec.RedriveStatusReason = 'Execution is SUCCEEDED and cannot be redriven';
  rec.StartDate = isoTime(meta.startDate);
  rec.StateMachineArn = meta.stateMachineArn;
  rec.Status = c.status;
  rec.StopDate = isoTime(meta.stopDate);
  return rec;
}

/**
 * The objects a `ResultWriter` writes under `<Prefix>/<map run id>/`: `SUCCEEDED_0.json` and
 * `FAILED_0.json` (children by status; PENDING is always empty here, as nothing is left running when the
 * Map succeeds), then `manifest.json` listing them. With OutputType JSONL each file holds one JSON value a
 * line and is named `….jsonl` *(unverified)*. The Map's result is `{MapRunArn, ResultWriterDetails:
 * {Bucket, Key}}` (`MapRunArn` only for a distributed Map).
 * @internal
 */
export function writePlan(
  spec: ResultWriterSpec,
  request: { readonly Bucket: string; readonly Prefix: string },
  runId: string,
  mapRunArn: string | undefined,
  children: readonly ChildResult[],
  meta: ChildMeta,
): WritePlan {
  const t = spec.transformation ?? 'NONE';
  const jsonl = spec.outputType === 'JSONL';
  let prefix = request.Prefix;
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  const dir = `${prefix}${runId}/`;
  const files: Record<'FAILED' | 'PENDING' | 'SUCCEEDED', { Key: string; Size: number }[]> = {
    FAILED: [],
    PENDING: [],
    SUCCEEDED: [],
  };
  const puts: PutObject[] = [];
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    const some = children.filter((c) => c.status === status);
    if (some.length === 0) continue;
    const values = transformed(t, some, meta);
    const body = jsonl ? values.map((v) => JSON.stringify(v)).join('\n') : JSON.stringify(values);
    const Key = `${dir}${status}_0.${jsonl ? 'jsonl' : 'json'}`;
    puts.push({ Bucket: request.Bucket, Key, Body: body });
    files[status].push({ Key, Size: utf8Length(body) });
  }
  const manifest: Record<string, unknown> = { DestinationBucket: request.Bucket };
  if (mapRunArn !== undefined) manifest.MapRunArn = mapRunArn;
  manifest.ResultFiles = files;
  const manifestKey = `${dir}manifest.json`;
  puts.push({ Bucket: request.Bucket, Key: manifestKey, Body: JSON.stringify(manifest) });
  const result: Record<string, unknown> = {};
  if (mapRunArn !== undefined) result.MapRunArn = mapRunArn;
  result.ResultWriterDetails = { Bucket: request.Bucket, Key: manifestKey };
  return { puts, result };
}

/** UTF-8 byte length of a string. @internal */
export function utf8Length(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      k++;
    } else n += 3;
  }
  return n;
}
