/**
 * Deterministic randomness: a mulberry32 generator whose state lives in the snapshot, seeded from the
 * Start input's `seed`. Used for UUIDs, task tokens, jitter, `States.MathRandom` and `$random`.
 */

/** Advances `state` and returns `[nextState, value in [0,1)]`. @internal */
export function nextRandom(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) | 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [s, ((t ^ (t >>> 14)) >>> 0) / 4294967296];
}

/** A version-4 UUID from a random source. @internal */
export function uuidFrom(random: () => number): string {
  const b: number[] = [];
  for (let k = 0; k < 16; k++) b.push(Math.floor(random() * 256));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A task token: opaque, URL-safe. @internal */
export function tokenFrom(random: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = 'AQC';
  for (let k = 0; k < 125; k++) out += alphabet[Math.floor(random() * 64)];
  return out;
}
