/**
 * Clocks: the only way Statecraft reads or waits on time. The pure packages get `at` values in their
 * inputs; the engine gets them from one injected {@link Clock}.
 */

/** @public */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves at `deadline` (epoch ms) on this clock; rejects with the signal's reason when aborted. */
  sleepUntil(deadline: number, signal?: AbortSignal): Promise<void>;
}

const MAX_TIMEOUT = 2 ** 31 - 1;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Real time. Re-arms past the 2^31−1 ms `setTimeout` ceiling and unrefs its timers so a sleeping clock never
 * keeps the process alive.
 * @public
 */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleepUntil(deadline: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      let handle: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        if (handle !== undefined) clearTimeout(handle);
        reject(abortError(signal!));
      };
      const arm = () => {
        const left = deadline - this.now();
        if (left <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        handle = setTimeout(arm, Math.min(left, MAX_TIMEOUT));
        (handle as { unref?: () => void }).unref?.();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  }
}

/**
 * Step Functions Local's `WAIT_TIME_SCALE`: time passes `1/scale` as fast... precisely, waits last
 * `scale` × their nominal duration while `now()` advances as if the full nominal time had passed. A scale
 * of 0 makes every wait immediate; 0.01 makes a 100 s Wait take 1 s of real time.
 * @public
 */
export class ScaledClock implements Clock {
  private readonly origin: number;
  private readonly realOrigin: number;
  constructor(
    readonly scale: number,
    private readonly base: Clock = new SystemClock(),
  ) {
    if (!(scale >= 0))
      throw new RangeError(`[statecraft] Failed to create a scaled clock: scale ${scale} is not >= 0.`);
    this.origin = base.now();
    this.realOrigin = this.origin;
  }

  now(): number {
    const elapsed = this.base.now() - this.realOrigin;
    return this.scale === 0 ? this.origin + elapsed + this.skipped : this.origin + elapsed / this.scale;
  }

  private skipped = 0;

  async sleepUntil(deadline: number, signal?: AbortSignal): Promise<void> {
    if (this.scale === 0) {
      if (signal?.aborted) throw abortError(signal);
      const left = deadline - this.now();
      if (left > 0) this.skipped += left;
      return;
    }
    const realDeadline = this.realOrigin + (deadline - this.origin) * this.scale;
    await this.base.sleepUntil(realDeadline, signal);
  }
}

interface Sleeper {
  deadline: number;
  resolve: () => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal | undefined;
  onAbort?: () => void;
}

/** Options for {@link ManualClock}. @public */
export interface ManualClockOptions {
  /** Start time, epoch ms (default: the real time at creation, rounded to the second). */
  readonly start?: number;
  /**
   * When true, the clock jumps to the earliest pending deadline as soon as the process has nothing else
   * to do: a run that only waits finishes at once, with the timestamps AWS would record.
   */
  readonly autoAdvance?: boolean;
}

/**
 * A clock that moves only when told to (`advance`, `advanceTo`, `runUntilIdle`), or — with `autoAdvance` —
 * by itself whenever everything else is idle.
 * @public
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly sleepers: Sleeper[] = [];
  private readonly autoAdvance: boolean;
  private autoScheduled = false;

  constructor(options: ManualClockOptions = {}) {
    this.current = options.start ?? Math.floor(Date.now() / 1000) * 1000;
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.current;
  }

  /** Number of pending sleepers. */
  get pending(): number {
    return this.sleepers.length;
  }

  sleepUntil(deadline: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (deadline <= this.current) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const s: Sleeper = { deadline, resolve, reject, signal };
      if (signal) {
        s.onAbort = () => {
          const i = this.sleepers.indexOf(s);
          if (i >= 0) this.sleepers.splice(i, 1);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', s.onAbort, { once: true });
      }
      this.sleepers.push(s);
      this.scheduleAuto();
    });
  }

  /** Moves time forward by `ms`, waking every sleeper whose deadline has come. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Moves time to `t` (never backwards). */
  advanceTo(t: number): void {
    if (t > this.current) this.current = t;
    this.wake();
  }

  /** Jumps from deadline to deadline until no sleeper is left, letting the woken work run between jumps. */
  async runUntilIdle(maxJumps = 100_000): Promise<void> {
    for (let i = 0; i < maxJumps; i++) {
      await settle();
      const next = this.earliest();
      if (next === undefined) return;
      this.advanceTo(next);
    }
  }

  private earliest(): number | undefined {
    let min: number | undefined;
    for (const s of this.sleepers) if (min === undefined || s.deadline < min) min = s.deadline;
    return min;
  }

  private wake(): void {
    const due = this.sleepers.filter((s) => s.deadline <= this.current);
    for (const s of due) {
      this.sleepers.splice(this.sleepers.indexOf(s), 1);
      if (s.onAbort) s.signal?.removeEventListener('abort', s.onAbort);
      s.resolve();
    }
  }

  private scheduleAuto(): void {
    if (!this.autoAdvance || this.autoScheduled) return;
    this.autoScheduled = true;
    void (async () => {
      try {
        // Let every other ready task run first: only a process with nothing left to do skips ahead.
        for (;;) {
          await settle();
          const next = this.earliest();
          if (next === undefined) return;
          this.advanceTo(next);
        }
      } finally {
        this.autoScheduled = false;
      }
    })();
  }
}

/** Waits for already-queued work (promise jobs, I/O callbacks, immediates) to run. */
function settle(): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    const tick = () => (++n >= 3 ? resolve() : setTimeout(tick, 0));
    setTimeout(tick, 0);
  });
}

/** Clock modes accepted by {@link createClock}. @public */
export type ClockMode =
  | { mode: 'real' }
  | { mode: 'scaled'; scale: number }
  | { mode: 'manual'; start?: number; autoAdvance?: boolean };

/** @public */
export function createClock(mode: ClockMode = { mode: 'real' }): Clock {
  switch (mode.mode) {
    case 'real':
      return new SystemClock();
    case 'scaled':
      return new ScaledClock(mode.scale);
    case 'manual':
      return new ManualClock({ start: mode.start, autoAdvance: mode.autoAdvance ?? true });
  }
}
