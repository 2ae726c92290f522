/**
 * @statecraft/aws-wire/node — the HTTP server: turns each `node:http` request into a web `Request`, calls
 * `handle`, and writes the `Response` back. Any path is accepted (mounting); routing is by `x-amz-target`.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** @public */
export interface HandlesRequests {
  readonly handle: (request: Request) => Promise<Response>;
}

/** @public */
export interface ServeOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 8083; 0 picks a free port. */
  readonly port?: number;
  /** Largest request body accepted, bytes (default 2 MiB; AWS's limit is 1 MiB). */
  readonly maxBodyBytes?: number;
}

/** @public */
export interface RunningServer {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) return 'too-large';
    chunks.push(b);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Builds the `node:http` request listener for a handler. @public */
export function createNodeListener(
  target: HandlesRequests,
  options: { maxBodyBytes?: number } = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? 2 * 1024 * 1024;
  return (req, res) => {
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort(new Error('client disconnected'));
    });
    void (async () => {
      try {
        const body = await readBody(req, limit);
        if (body === 'too-large') {
          res.writeHead(413, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(
            JSON.stringify({ __type: 'com.amazon.coral.service#SerializationException', message: 'Request too large' }),
          );
          return;
        }
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) {
          if (v === undefined) continue;
          headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        }
        const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
        const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
        const request = new Request(url, {
          method: req.method ?? 'POST',
          headers,
          ...(hasBody ? { body: body as BodyInit } : {}),
          signal: ac.signal,
        });
        const response = await target.handle(request);
        const out: Record<string, string> = {};
        response.headers.forEach((value, key) => {
          out[key] = value;
        });
        const bytes = new Uint8Array(await response.arrayBuffer());
        out['content-length'] = String(bytes.length);
        res.writeHead(response.status, out);
        res.end(bytes);
      } catch (err) {
        console.error('[statecraft] HTTP adapter failure:', err);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(
            JSON.stringify({
              __type: 'com.amazon.coral.service#InternalFailure',
              message: 'An internal error occurred.',
            }),
          );
        } else res.destroy();
      }
    })();
  };
}

/**
 * Starts an HTTP server for `target` and resolves once it listens.
 * @public
 */
export async function serve(target: HandlesRequests, options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(
    { keepAlive: true, requestTimeout: 0 },
    createNodeListener(target, options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  );
  server.headersTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8083, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
