/**
 * Browser end-to-end: the whole emulator runs inside a web page in Chromium, and the unmodified
 * `@aws-sdk/client-sfn` (its browser build) in that page talks to it through an MSW Service Worker and through
 * the in-process request handler. See `page.ts` for what the page does.
 *
 * Chromium is Debian's (`/usr/bin/chromium`, or `STATECRAFT_CHROMIUM`), driven by playwright-core; no browser is
 * ever downloaded. Without it the test is skipped and says why (`tools/ci/chromium.sh` installs it).
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const chromiumPath = process.env.STATECRAFT_CHROMIUM || '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `[browser-test] SKIPPED: no Chromium at ${chromiumPath} (install Debian's with \`tools/ci/chromium.sh\` or ` +
      '`apt-get install -y chromium`, or point STATECRAFT_CHROMIUM at one). No browser is downloaded.',
  );
}

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '../../..');
const require = createRequire(import.meta.url);

/**
 * `node:` imports reachable from the page's bundle, as `<importer> -> <module>`. The bundle stubs them (a module
 * that throws when evaluated, so a lazily imported one is harmless until called); these are reported, not fixed
 * here. Remove an entry once its package stops importing it on the browser path.
 */
// Nothing on the browser path may import a `node:` module (integrationOptionsFromEnv, which reads a file,
// lives in @statecraft/integrations/node for that reason).
const KNOWN_NODE_IMPORTS: string[] = [];

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // No name resolves but the local server's address: nothing can reach the real AWS.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

interface Run {
  stateMachineArn: string;
  creationDateIsDate: boolean;
  executionArn: string;
  startDateIsDate: boolean;
  status: string;
  input: string;
  output: string;
  polls: number;
  events: [number, number, string][];
  timestampsAreDates: boolean;
  startedInput: string;
  succeededOutput: string;
}
interface Missing {
  threw: boolean;
  stateMachineArn: string;
  name?: string;
  message?: string;
  fault?: string;
  httpStatusCode?: number;
}
interface PageResult {
  userAgent: string;
  serviceWorkerSupported: boolean;
  workerControlled: boolean;
  msw: { run: Run; missing: Missing; mockedCount: number; mocked: string[] };
  afterStop: { threw: boolean; name?: string; message?: string };
  inProcess: { run: Run; missing: Missing; sawMswMachine: boolean };
}
interface SeenResponse {
  url: string;
  status: number;
  fromServiceWorker: boolean;
}

async function bundle(outdir: string) {
  const nodeImports = new Set<string>();
  const result = await esbuild.build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@statecraft/source', 'browser', 'import', 'default'],
    outfile: join(outdir, 'page.js'),
    sourcemap: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'report-node-builtins',
        setup(build) {
          build.onResolve({ filter: /^node:/ }, (args) => {
            nodeImports.add(`${relative(repoRoot, args.importer)} -> ${args.path}`);
            return { path: args.path, namespace: 'node-builtin-stub' };
          });
          build.onLoad({ filter: /.*/, namespace: 'node-builtin-stub' }, (args) => ({
            contents: `throw new Error(${JSON.stringify(`${args.path} is not available in a browser`)});`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  return { warnings: result.warnings, nodeImports: [...nodeImports].sort() };
}

function serveDir(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const name = path === '/' ? 'index.html' : path.slice(1);
    if (!/^[\w.-]+$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(dir, name));
      res.writeHead(200, {
        'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

describe.skipIf(!hasChromium)('Statecraft in a browser page (Chromium)', () => {
  let dir: string;
  let userDataDir: string;
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  let built: Awaited<ReturnType<typeof bundle>>;
  let result: PageResult;
  const responses: SeenResponse[] = [];
  const failedRequests: string[] = [];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    const t0 = Date.now();
    dir = await mkdtemp(join(tmpdir(), 'statecraft-browser-'));
    userDataDir = await mkdtemp(join(tmpdir(), 'statecraft-chromium-'));
    built = await bundle(dir);
    await copyFile(require.resolve('msw/mockServiceWorker.js'), join(dir, 'mockServiceWorker.js'));
    await writeFile(
      join(dir, 'index.html'),
      '<!doctype html>\n<html><head><meta charset="utf-8"><title>Statecraft in a browser</title></head>\n' +
        '<body><script type="module" src="/page.js"></script></body></html>\n',
    );
    const t1 = Date.now();
    const served = await serveDir(dir);
    server = served.server;
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.url().includes('amazonaws.com')) {
        responses.push({ url: r.url(), status: r.status(), fromServiceWorker: r.fromServiceWorker() });
      }
    });
    page.on('requestfailed', (r) => {
      if (r.url().includes('amazonaws.com')) failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`);
    });
    await page.goto(`${served.origin}/`);
    const handle = await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result, null, {
      timeout: 30_000,
    });
    const outcome = (await handle.jsonValue()) as { ok: boolean; result?: PageResult; error?: string };
    const t2 = Date.now();
    console.log(
      `[browser-test] bundle ${t1 - t0} ms, browser ${t2 - t1} ms (${await context.browser()?.version()}), ` +
        `${responses.length} AWS responses seen by the browser`,
    );
    if (!outcome.ok) throw new Error(`the page failed: ${outcome.error}\nconsole:\n${consoleLines.join('\n')}`);
    result = outcome.result!;
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) await rm(dir, { recursive: true, force: true });
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  const expectedEvents = [
    [1, 0, 'ExecutionStarted'],
    [2, 0, 'PassStateEntered'],
    [3, 2, 'PassStateExited'],
    [4, 3, 'SucceedStateEntered'],
    [5, 4, 'SucceedStateExited'],
    [6, 5, 'ExecutionSucceeded'],
  ];

  function expectRun(run: Run, name: string) {
    expect(run.stateMachineArn).toBe(`arn:aws:states:us-east-1:123456789012:stateMachine:${name}`);
    expect(run.executionArn).toBe(`arn:aws:states:us-east-1:123456789012:execution:${name}:run-1`);
    expect(run.creationDateIsDate).toBe(true);
    expect(run.startDateIsDate).toBe(true);
    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.input)).toEqual({ from: name });
    expect(JSON.parse(run.output)).toEqual({ from: name, result: { greeting: 'hi' } });
    expect(run.events).toEqual(expectedEvents);
    expect(run.timestampsAreDates).toBe(true);
    expect(JSON.parse(run.startedInput)).toEqual({ from: name });
    expect(JSON.parse(run.succeededOutput)).toEqual({ from: name, result: { greeting: 'hi' } });
  }

  function expectMissing(missing: Missing) {
    expect(missing).toEqual({
      threw: true,
      stateMachineArn: missing.stateMachineArn,
      name: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${missing.stateMachineArn}'`,
      fault: 'client',
      httpStatusCode: 400,
    });
  }

  it('bundles for the browser with no node: module beyond the known, lazily imported ones', () => {
    if (built.nodeImports.length > 0) {
      console.warn(`[browser-test] node: imports on the browser path (stubbed):\n  ${built.nodeImports.join('\n  ')}`);
    }
    expect(built.nodeImports.filter((i) => !KNOWN_NODE_IMPORTS.includes(i))).toEqual([]);
    expect(built.warnings.map((w) => w.text)).toEqual([]);
  });

  it('through an MSW Service Worker: the SDK fetches its default AWS endpoint and the page answers', () => {
    expect(result.serviceWorkerSupported).toBe(true);
    expect(result.workerControlled).toBe(true);
    expectRun(result.msw.run, 'hello-msw');
    expectMissing(result.msw.missing);
    // Every call went through the worker: create, start, ≥1 describe, history, the failed describe.
    const calls = 4 + result.msw.run.polls;
    expect(result.msw.mockedCount).toBe(calls);
    expect(result.msw.mocked[0]).toBe(
      'POST https://states.us-east-1.amazonaws.com/ AWSStepFunctions.CreateStateMachine',
    );
    // The browser itself saw those responses, served by the Service Worker.
    const fromWorker = responses.filter((r) => r.fromServiceWorker);
    expect(fromWorker).toHaveLength(calls);
    expect(fromWorker.every((r) => r.url === 'https://states.us-east-1.amazonaws.com/')).toBe(true);
    expect(fromWorker.map((r) => r.status).sort()).toEqual([...Array(calls - 1).fill(200), 400]);
  });

  it('with the worker stopped, the same client reaches nothing (no real AWS behind the test)', () => {
    expect(result.afterStop.threw).toBe(true);
    expect(result.afterStop.message).toMatch(/fetch/i);
    expect(responses.filter((r) => !r.fromServiceWorker)).toEqual([]);
    expect(failedRequests).toHaveLength(1);
  });

  it('through the in-process request handler, no worker and no fetch: the same emulator', () => {
    expectRun(result.inProcess.run, 'hello-in-process');
    expectMissing(result.inProcess.missing);
    expect(result.inProcess.sawMswMachine).toBe(true);
    // No request left the page after the worker was stopped except the one failed control call.
    expect(responses.filter((r) => r.fromServiceWorker)).toHaveLength(4 + result.msw.run.polls);
  });
});
