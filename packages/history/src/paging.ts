/**
 * Opaque paging tokens shared by both services. A token binds the position to the arguments of the
 * request that produced it (AWS answers `InvalidToken` when a token is reused with other arguments) and to
 * the time it was issued (GetExecutionHistory tokens expire after 60 s).
 *
 * Tokens are base64url of a small JSON document; they are opaque to clients and never trusted: a token that
 * does not decode, or whose binding differs, is reported as invalid.
 */

/** What a token carries. @public */
export interface PageTokenBody {
  /** The position: index of the next item (or any cursor the caller chooses). */
  readonly position: string | number;
  /** A fingerprint of the request arguments (other than the token and page size). */
  readonly binding: string;
  /** Issue time, epoch ms. */
  readonly issuedAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Base64url without padding (RFC 4648 §5), for opaque tokens. @public */
export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes {@link toBase64Url}'s text; `undefined` when it is not base64url. @public */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/** @public */
export function encodePageToken(body: PageTokenBody): string {
  return toBase64Url(encoder.encode(JSON.stringify([body.position, body.binding, body.issuedAt])));
}

/** Decodes a token; `undefined` when it is not one of ours. @public */
export function decodePageToken(token: string): PageTokenBody | undefined {
  const bytes = fromBase64Url(token);
  if (!bytes) return undefined;
  try {
    const v = JSON.parse(decoder.decode(bytes)) as unknown;
    if (!Array.isArray(v) || v.length !== 3) return undefined;
    const [position, binding, issuedAt] = v as [unknown, unknown, unknown];
    if ((typeof position !== 'string' && typeof position !== 'number') || typeof binding !== 'string') return undefined;
    if (typeof issuedAt !== 'number') return undefined;
    return { position, binding, issuedAt };
  } catch {
    return undefined;
  }
}

/** A stable fingerprint of request arguments for token binding. @public */
export function bindingOf(args: Record<string, unknown>): string {
  const keys = Object.keys(args).sort();
  return JSON.stringify(keys.map((k) => [k, args[k] ?? null]));
}

/** Result of {@link paginate}. @public */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** Why a token was refused. @public */
export type PageTokenProblem = 'invalid' | 'expired';

/** Options for {@link paginate}. @public */
export interface PaginateOptions {
  /** Page size as given; 0 or undefined means `defaultSize`. */
  readonly maxResults?: number | undefined;
  readonly defaultSize?: number;
  readonly nextToken?: string | undefined;
  /** Request arguments the token is bound to. */
  readonly binding: string;
  readonly now: number;
  /** Tokens older than this many ms are refused with `expired`. */
  readonly ttlMs?: number;
}

/**
 * Slices `items` into a page. Returns the problem instead of throwing, so each service can map it to its
 * own modelled error (SFN `InvalidToken`, SWF a `ValidationException`-like fault).
 * @public
 */
export function paginate<T>(items: readonly T[], o: PaginateOptions): Page<T> | { problem: PageTokenProblem } {
  const size = o.maxResults && o.maxResults > 0 ? o.maxResults : (o.defaultSize ?? 100);
  let start = 0;
  if (o.nextToken !== undefined) {
    const body = decodePageToken(o.nextToken);
    if (!body || body.binding !== o.binding || typeof body.position !== 'number') return { problem: 'invalid' };
    if (o.ttlMs !== undefined && o.now - body.issuedAt > o.ttlMs) return { problem: 'expired' };
    start = body.position;
    if (start < 0 || start > items.length) return { problem: 'invalid' };
  }
  const end = Math.min(items.length, start + size);
  const page = items.slice(start, end);
  if (end < items.length) {
    return { items: page, nextToken: encodePageToken({ position: end, binding: o.binding, issuedAt: o.now }) };
  }
  return { items: page };
}
