import { describe, expect, it } from 'vitest';
import { ManualClock, ScaledClock } from './clock.js';
import { createScheduler } from './timers.js';
import { createWaiters } from './waiters.js';

describe('ManualClock', () => {
  it('wakes sleepers only when advanced past their deadline', async () => {
    const clock = new ManualClock({ start: 1_000 });
    const order: number[] = [];
    void clock.sleepUntil(3_000).then(() => order.push(3));
    void clock.sleepUntil(2_000).then(() => order.push(2));
    clock.advance(500);
    await Promise.resolve();
    expect(order).toEqual([]);
    clock.advanceTo(2_000);
    await Promise.resolve();
    expect(order).toEqual([2]);
    await clock.runUntilIdle();
    expect(order).toEqual([2, 3]);
    expect(clock.now()).toBe(3_000);
  });

  it('skips a one-year wait at once in autoAdvance mode', async () => {
    const clock = new ManualClock({ start: 0, autoAdvance: true });
    const year = 365 * 24 * 3600 * 1000;
    await clock.sleepUntil(year);
    expect(clock.now()).toBe(year);
  });

  it('rejects an aborted sleep', async () => {
    const clock = new ManualClock({ start: 0 });
    const ac = new AbortController();
    const p = clock.sleepUntil(10, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
  });
});

describe('ScaledClock', () => {
  it('with scale 0 finishes waits at once and moves now() forward', async () => {
    const clock = new ScaledClock(0);
    const t0 = clock.now();
    await clock.sleepUntil(t0 + 100_000);
    expect(clock.now()).toBeGreaterThanOrEqual(t0 + 100_000);
  });
});

describe('scheduler and waiters', () => {
  it('fires timers in deadline order and cancels by id', async () => {
    const clock = new ManualClock({ start: 0 });
    const s = createScheduler(clock);
    const fired: string[] = [];
    s.schedule('a', 20, () => void fired.push('a'));
    s.schedule('b', 10, () => void fired.push('b'));
    s.schedule('c', 15, () => void fired.push('c'));
    expect(s.cancel('c')).toBe(true);
    await clock.runUntilIdle();
    expect(fired).toEqual(['b', 'a']);
  });

  it('a waiter wakes on notify or times out at its deadline', async () => {
    const clock = new ManualClock({ start: 0 });
    const w = createWaiters(clock);
    const a = w.wait('q', 1000);
    w.notify('q');
    expect(await a).toBe(true);
    const b = w.wait('q', 1000);
    clock.advance(1000);
    expect(await b).toBe(false);
  });
});
