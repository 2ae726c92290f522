/**
 * The execution snapshot: plain JSON, versioned. Everything an execution needs to resume lives here —
 * threads (the top level, each Parallel branch and Map iteration), their current state and data,
 * variables, retry counters, pending tasks and timers, map runs and the random generator's state.
 */
import { nextRandom, uuidFrom } from './random.js';
import type { ExecutionInfo, ExecutionSnapshot } from './types.js';

/** @internal */
export interface TaskRecord {
  readonly id: string;
  readonly token?: string;
  started: boolean;
  submitted: boolean;
  timeoutTimer?: string;
  heartbeatTimer?: string;
  heartbeatSeconds?: number;
  /** A Map state's S3 call: reading its items (`ItemReader`) or writing its results (`ResultWriter`). */
  readonly io?: 'reader' | 'writer';
}

/** A Map state reading its items through its ItemReader. @internal */
export interface ReaderProgress {
  /** The `MapStateStarted` event. */
  readonly started: number;
  readonly toleratedCount?: number;
  readonly toleratedPercentage?: number;
  /** Distributed: the Map Run (index in `mapRuns`), its ARN and its `MapRunStarted` event. */
  readonly mapRun?: number;
  readonly mapRunArn?: string;
  readonly runStarted?: number;
  /** Items to read at most (MaxItems). */
  readonly limit: number;
}

/** A Map state writing its results through its ResultWriter, one `s3:putObject` at a time. @internal */
export interface WriterProgress {
  /** The `s3:putObject` requests still to make. */
  readonly puts: readonly { readonly Bucket: string; readonly Key: string; readonly Body: string }[];
  /** The Map's result once every object is written. */
  readonly result: unknown;
  /** The event `MapStateSucceeded`/`MapRunSucceeded` follows. */
  readonly prev: number;
  readonly count: number;
}

/** Children of a Parallel or Map state waiting in its thread. @internal */
export interface Frame {
  readonly kind: 'parallel' | 'map';
  /** Thread ids of running children, by index (null once finished or not started). */
  children: (string | null)[];
  results: unknown[];
  remaining: number;
  /** Last event of the children, for the parent's next event. */
  lastEvent: number;
  // Map only
  items?: unknown[];
  mapInput?: unknown;
  nextIndex?: number;
  maxConcurrency?: number;
  running?: number;
  failures?: number;
  toleratedCount?: number;
  toleratedPercentage?: number;
  mapRunArn?: string;
  mapRun?: number;
  /** Children that failed or were aborted, by index, as they stood then (what a redrive runs again). */
  dead?: Record<number, Thread>;
  /** Map being redriven: the previous attempt's results, unfinished iterations and progress. */
  redo?: { readonly results: unknown[]; readonly dead: Record<number, Thread>; readonly nextIndex: number };
}

/** @internal */
export interface Thread {
  readonly id: string;
  readonly scope: string;
  readonly parent?: string;
  readonly index?: number;
  /** Distributed Map children do not see outer variables. */
  readonly isolated?: boolean;
  /** Inside a distributed Map: events belong to the child execution, not this history. */
  hidden?: boolean;
  /** Inside a STANDARD distributed Map: the child execution (key in `childRuns`) that records its events. */
  child?: string;
  vars?: Record<string, unknown>;
  state: string;
  phase: 'enter' | 'task' | 'wait' | 'retry' | 'children';
  input: unknown;
  /** Exact text of the input, for the first top-level state (echoed verbatim). */
  inputText?: string;
  first: boolean;
  firstPrev: number;
  last: number;
  entered: number;
  enteredPrev: number;
  enteredAt: number;
  retryCounts?: number[];
  retryCount: number;
  /** Effective input of Task/Parallel/Map work (reused by retries). */
  eff?: unknown;
  /** Output computed at entry (Wait). */
  out?: unknown;
  task?: TaskRecord;
  timer?: string;
  frame?: Frame;
  /** Map item for the iteration (context `Map.Item`). */
  item?: { Index: number; Value: unknown };
  /** Parallel/Map being redriven: the frame of the unsuccessful attempt (finished children are kept). */
  redo?: Frame;
  /** Map reading its items (ItemReader). */
  reader?: ReaderProgress;
  /** Map writing its results (ResultWriter). */
  writer?: WriterProgress;
}

/** A Map Run record (distributed Map), readable with {@link readMapRuns}. @public */
export interface MapRunRecord {
  readonly mapRunArn: string;
  readonly stateName: string;
  readonly executionArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  readonly startDate: number;
  stopDate?: number;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly toleratedFailureCount: number;
  itemCounts: MapRunCounts;
  executionCounts: MapRunCounts;
  readonly label?: string;
  readonly executionType: string;
}

/** A running child execution of a distributed Map, kept in the parent's snapshot. @internal */
export interface ChildRun {
  readonly arn: string;
  readonly name: string;
  readonly mapRunArn: string;
  readonly label: string;
  readonly input: string;
  readonly startDate: number;
  nextEventId: number;
  /** The parent's event id that stands for the child in the parent's history (what the child's events chain to there). */
  readonly prev: number;
  /** The same in the top-level history (a child of a child chains to its parent's `top`). */
  readonly top: number;
}

/** @public */
export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
}

/** @internal */
export interface Snapshot extends ExecutionSnapshot {
  version: 1;
  status: ExecutionSnapshot['status'];
  nextEventId: number;
  output?: string;
  error?: string;
  cause?: string;
  info: ExecutionInfo;
  /** Parsed execution input (`$$.Execution.Input`). */
  execInput: unknown;
  rng: number;
  seq: number;
  root: string;
  threads: Record<string, Thread>;
  queue: string[];
  /** taskId → thread id. */
  tasks: Record<string, string>;
  /** timerId → [thread id, kind]. */
  timers: Record<string, [string, 'wait' | 'retry' | 'timeout' | 'heartbeat' | 'exec']>;
  /** Invocation count per Task state (InvokeTask.attempt). */
  invocations: Record<string, number>;
  mapRuns?: MapRunRecord[];
  /** Running child executions of distributed Maps, by ARN. */
  childRuns?: Record<string, ChildRun>;
  /** Threads as they stood when the execution closed unsuccessfully: where RedriveExecution resumes. */
  stopped?: Record<string, Thread>;
}

/**
 * The ARNs every child execution of the snapshot's Map Runs may have (for deleting them with their parent):
 * child names derive from the Map Run, the item index and the redrive count.
 * @public
 */
export function readChildExecutionArns(snapshot: ExecutionSnapshot): string[] {
  const s = snapshot as Partial<Snapshot>;
  const redrives = s.info?.redriveCount ?? 0;
  const out: string[] = [];
  for (const run of readMapRuns(snapshot)) {
    for (let i = 0; i < run.itemCounts.total; i++) {
      for (let r = 0; r <= redrives; r++) out.push(childExecutionArn(run.mapRunArn, i, r));
    }
  }
  return out;
}

/**
 * A child execution's ARN: `…:execution:<smName>/<label>:<uuid>` (WIRE.md §9, *(unverified)*), the UUID derived
 * from its Map Run, item and attempt.
 * @internal
 */
export function childExecutionArn(mapRunArn: string, index: number, attempt: number): string {
  const cut = mapRunArn.lastIndexOf(':');
  return `${mapRunArn.slice(0, cut + 1).replace(':mapRun:', ':execution:')}${childName(mapRunArn, index, attempt)}`;
}

/**
 * A deterministic UUID for a child execution (an FNV-1a hash of Map Run, item and attempt seeds the generator;
 * nothing is drawn from the execution's). AWS's child names are UUIDs *(how AWS derives them unverified)*.
 * @internal
 */
export function childName(mapRunArn: string, index: number, attempt: number): string {
  let h = 0x811c9dc5;
  const key = `${mapRunArn}#${index}#${attempt}`;
  for (let k = 0; k < key.length; k++) h = Math.imul(h ^ key.charCodeAt(k), 0x01000193);
  let st = h | 0;
  return uuidFrom(() => {
    const [n, v] = nextRandom(st);
    st = n;
    return v;
  });
}

/** The Map Runs recorded in a snapshot (distributed Map states). @public */
export function readMapRuns(snapshot: ExecutionSnapshot): readonly MapRunRecord[] {
  return ((snapshot as Partial<Snapshot>).mapRuns ?? []) as MapRunRecord[];
}
