/**
 * Other AWS service integrations — optimised (`arn:aws:states:::sqs:sendMessage`) and AWS SDK
 * (`arn:aws:states:::aws-sdk:dynamodb:getItem`) — forwarded to endpoints the user configures (Step Functions
 * Local's `SQS_ENDPOINT`, `SNS_ENDPOINT`, `DYNAMODB_ENDPOINT`, `EVENTBRIDGE_ENDPOINT`, …).
 *
 * Deliberately small: the awsJson (1.0/1.1) and awsQuery protocols, which cover SQS, SNS, DynamoDB,
 * EventBridge, Step Functions, ECS, Glue and SageMaker. S3 has its own REST client (`s3.ts`); other REST
 * protocols (Batch, …) fail with a clear message. With no endpoint configured the task fails naming the
 * missing setting.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
import type { InvokeContext, TaskCall, TaskInvoker } from '@statecraft/engine';
import {
  failed,
  httpDate,
  type IntegrationOutcome,
  javaServiceCause,
  parseServiceResource,
  reportSubmitted,
  sdkHttpMetadata,
  uuid,
} from './aws-shapes.js';
import { byteLength } from './json-text.js';
import type { EndpointCredentials } from './lambda.js';
import { S3_ACTIONS } from './s3.js';
import { signRequest } from './sigv4.js';

interface ServiceSpec {
  readonly protocol: 'json' | 'query';
  readonly jsonVersion?: '1.0' | '1.1';
  readonly targetPrefix?: string;
  readonly queryVersion?: string;
  readonly signingName: string;
  /** Error prefix of the optimised integration (`SQS.QueueDoesNotExistException`). */
  readonly optimizedPrefix: string;
  /** Error prefix of the AWS SDK integration (`Sqs.QueueDoesNotExistException`). */
  readonly sdkPrefix: string;
  /** The AWS SDK for Java service name in cause texts. */
  readonly javaServiceName: string;
  /** Wire members are camelCase (SFN, ECS) while Step Functions parameters are PascalCase. */
  readonly camelCase?: boolean;
  /** The optimised integration adds `SdkHttpMetadata`/`SdkResponseMetadata` (recorded for SQS, SNS, DynamoDB). */
  readonly metadata?: boolean;
  /** The environment variable Step Functions Local reads. */
  readonly env: string;
}

const SERVICES: Readonly<Record<string, ServiceSpec>> = {
  dynamodb: {
    protocol: 'json',
    jsonVersion: '1.0',
    targetPrefix: 'DynamoDB_20120810',
    signingName: 'dynamodb',
    optimizedPrefix: 'DynamoDB',
    sdkPrefix: 'DynamoDb',
    javaServiceName: 'AmazonDynamoDBv2',
    metadata: true,
    env: 'DYNAMODB_ENDPOINT',
  },
  sqs: {
    protocol: 'json',
    jsonVersion: '1.0',
    targetPrefix: 'AmazonSQS',
    signingName: 'sqs',
    optimizedPrefix: 'SQS',
    sdkPrefix: 'Sqs',
    javaServiceName: 'AmazonSQS',
    metadata: true,
    env: 'SQS_ENDPOINT',
  },
  sns: {
    protocol: 'query',
    queryVersion: '2010-03-31',
    signingName: 'sns',
    optimizedPrefix: 'SNS',
    sdkPrefix: 'Sns',
    javaServiceName: 'AmazonSNS',
    metadata: true,
    env: 'SNS_ENDPOINT',
  },
  events: {
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'AWSEvents',
    signingName: 'events',
    optimizedPrefix: 'EventBridge',
    sdkPrefix: 'EventBridge',
    javaServiceName: 'AmazonEventBridge',
    env: 'EVENTBRIDGE_ENDPOINT',
  },
  sfn: {
    protocol: 'json',
    jsonVersion: '1.0',
    targetPrefix: 'AWSStepFunctions',
    signingName: 'states',
    optimizedPrefix: 'StepFunctions',
    sdkPrefix: 'Sfn',
    javaServiceName: 'AWSStepFunctions',
    camelCase: true,
    env: 'STEP_FUNCTIONS_ENDPOINT',
  },
  ecs: {
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    signingName: 'ecs',
    optimizedPrefix: 'ECS',
    sdkPrefix: 'Ecs',
    javaServiceName: 'AmazonECS',
    camelCase: true,
    env: 'ECS_ENDPOINT',
  },
  glue: {
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'AWSGlue',
    signingName: 'glue',
    optimizedPrefix: 'Glue',
    sdkPrefix: 'Glue',
    javaServiceName: 'AWSGlue',
    env: 'GLUE_ENDPOINT',
  },
  sagemaker: {
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'SageMaker',
    signingName: 'sagemaker',
    optimizedPrefix: 'SageMaker',
    sdkPrefix: 'SageMaker',
    javaServiceName: 'AmazonSageMaker',
    env: 'SAGE_MAKER_ENDPOINT',
  },
};

/** Resource service names → the key of {@link SERVICES} / `serviceEndpoints`. */
const ALIASES: Readonly<Record<string, string>> = { eventbridge: 'events', states: 'sfn', stepfunctions: 'sfn' };

/**
 * Step Functions Local's endpoint variables and the `serviceEndpoints` key each sets, plus `S3_ENDPOINT`
 * (a Statecraft addition).
 * @public
 */
export const SERVICE_ENDPOINT_ENV: Readonly<Record<string, string>> = {
  SQS_ENDPOINT: 'sqs',
  SNS_ENDPOINT: 'sns',
  DYNAMODB_ENDPOINT: 'dynamodb',
  EVENTBRIDGE_ENDPOINT: 'events',
  STEP_FUNCTIONS_ENDPOINT: 'sfn',
  ECS_ENDPOINT: 'ecs',
  GLUE_ENDPOINT: 'glue',
  SAGE_MAKER_ENDPOINT: 'sagemaker',
  BATCH_ENDPOINT: 'batch',
  /** A Statecraft addition (Step Functions Local has no S3 setting): an S3-compatible endpoint, path-style. */
  S3_ENDPOINT: 's3',
};

const serviceKey = (service: string) => ALIASES[service.toLowerCase()] ?? service.toLowerCase();
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function renameKeys(value: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, f));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), renameKeys(v, f)]));
  }
  return value;
}

/** Optimised integrations serialise JSON payload fields that are not strings (recorded behaviour). */
function optimizedParameters(
  service: string,
  action: string,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const asText = (v: unknown) => (typeof v === 'string' || v === undefined ? v : JSON.stringify(v));
  if (service === 'sqs' && action === 'sendMessage') return { ...params, MessageBody: asText(params.MessageBody) };
  if (service === 'sns' && action === 'publish') return { ...params, Message: asText(params.Message) };
  if (service === 'events' && action === 'putEvents' && Array.isArray(params.Entries)) {
    return {
      ...params,
      Entries: params.Entries.map((e: Record<string, unknown>) =>
        typeof e === 'object' && e !== null && 'Detail' in e ? { ...e, Detail: asText(e.Detail) } : e,
      ),
    };
  }
  return params;
}

/** awsQuery form fields: lists as `.member.N`, maps named `*Attributes` as `.entry.N.Name/Value`. */
function queryFields(prefix: string, value: unknown, out: [string, string][]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      queryFields(`${prefix}.member.${i + 1}`, v, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (/Attributes$/.test(prefix) && entries.every(([, v]) => typeof v === 'object' && v !== null)) {
      entries.forEach(([k, v], i) => {
        out.push([`${prefix}.entry.${i + 1}.Name`, k]);
        queryFields(`${prefix}.entry.${i + 1}.Value`, v, out);
      });
    } else {
      for (const [k, v] of entries) queryFields(prefix ? `${prefix}.${k}` : k, v, out);
    }
  } else if (value !== undefined && value !== null) {
    out.push([prefix, String(value)]);
  }
}

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

/** A minimal XML reader for awsQuery responses (elements and text; no attributes kept). */
function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#root', children: [], text: '' };
  const stack = [root];
  const re = /<(\/?)([A-Za-z_][\w:.-]*)[^>]*?(\/?)>|([^<]+)|<\?[^>]*\?>|<!--[\s\S]*?-->/g;
  for (const m of xml.matchAll(re)) {
    const top = stack[stack.length - 1]!;
    if (m[4] !== undefined) top.text += m[4];
    else if (m[2] === undefined) continue;
    else if (m[1] === '/') stack.pop();
    else {
      const node: XmlNode = { name: m[2], children: [], text: '' };
      top.children.push(node);
      if (m[3] !== '/') stack.push(node);
    }
  }
  return root;
}

const unescapeXml = (s: string) =>
  s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');

function xmlToValue(node: XmlNode): unknown {
  if (node.children.length === 0) return unescapeXml(node.text.trim());
  if (node.children.every((c) => c.name === 'member')) return node.children.map(xmlToValue);
  const obj: Record<string, unknown> = {};
  for (const c of node.children) obj[c.name] = xmlToValue(c);
  return obj;
}

const findNode = (n: XmlNode, name: string): XmlNode | undefined => {
  if (n.name === name) return n;
  for (const c of n.children) {
    const f = findNode(c, name);
    if (f) return f;
  }
  return undefined;
};

/** Options for {@link createServiceInvoker}. @public */
export interface ServiceInvokerOptions {
  /** Endpoint per service (`sqs`, `sns`, `dynamodb`, `events`, `sfn`, `ecs`, `glue`, `sagemaker`, …). */
  readonly endpoints?: Readonly<Record<string, string>>;
  readonly credentials?: EndpointCredentials;
  readonly fetch?: typeof fetch;
}

/**
 * Forwards optimised and AWS SDK service integrations to configured endpoints; registered last, it also
 * answers every service integration nothing else handled with an error naming the missing configuration.
 * @public
 */
export function createServiceInvoker(options: ServiceInvokerOptions = {}): TaskInvoker {
  const endpoints = Object.fromEntries(Object.entries(options.endpoints ?? {}).map(([k, v]) => [serviceKey(k), v]));
  const credentials = options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' };
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  return {
    name: 'aws-services',
    matches(resource) {
      const r = parseServiceResource(resource);
      // A callback task with nowhere to send its request just waits for SendTask* on its token.
      return r !== undefined && (r.pattern !== 'waitForTaskToken' || endpoints[serviceKey(r.service)] !== undefined);
    },
    async invoke(call: TaskCall, ctx: InvokeContext): Promise<IntegrationOutcome> {
      const r = parseServiceResource(call.resource)!;
      const key = serviceKey(r.service);
      const spec = SERVICES[key];
      const endpoint = endpoints[key];
      const envName = spec?.env ?? `${key.toUpperCase()}_ENDPOINT`;
      if (key === 's3') {
        // S3 is REST: createS3Invoker (registered ahead of this one when an endpoint is set) answers the
        // actions it speaks; here only the missing endpoint or an unsupported action is left to explain.
        return failed(
          'States.Runtime',
          endpoint === undefined
            ? `[statecraft] No endpoint is configured for the 's3' integration of Task state '${call.stateName}' (${call.resource}). ` +
                `Set S3_ENDPOINT (a Statecraft addition: Step Functions Local has no S3 setting) or createStatecraft({ serviceEndpoints: { s3: 'http://…' } }) to reach an S3-compatible endpoint path-style, or mock the state with a Step Functions Local mock configuration (SFN_MOCK_CONFIG and a '#<TestCase>' suffix on the state machine ARN).`
            : `[statecraft] The S3 integration '${r.action}'${r.pattern === 'request-response' ? '' : ` with '.${r.pattern}'`} of Task state '${call.stateName}' is not supported: Statecraft's S3 client speaks ${S3_ACTIONS.join(', ')} (request-response). Mock the state with a mock configuration instead.`,
        );
      }
      if (!spec) {
        return failed(
          'States.Runtime',
          `[statecraft] The '${r.service}' integration of Task state '${call.stateName}' cannot be forwarded: Statecraft forwards only awsJson and awsQuery services (${Object.keys(SERVICES).join(', ')}). Mock the state with a mock configuration instead.`,
        );
      }
      if (endpoint === undefined) {
        return failed(
          'States.Runtime',
          `[statecraft] No endpoint is configured for the '${r.service}' integration of Task state '${call.stateName}' (${call.resource}). ` +
            `Set ${envName} (createStatecraft({ serviceEndpoints: { ${key}: 'http://…' } })) to forward the call, or mock the state with a Step Functions Local mock configuration (SFN_MOCK_CONFIG and a '#<TestCase>' suffix on the state machine ARN).`,
        );
      }
      if (r.pattern === 'sync' || r.pattern === 'sync:2') {
        return failed(
          'States.Runtime',
          `[statecraft] The '.${r.pattern}' pattern of '${r.service}:${r.action}' (Task state '${call.stateName}') is not supported for forwarded services. Mock the state with a mock configuration instead.`,
        );
      }
      const raw = (typeof call.parameters === 'object' && call.parameters !== null ? call.parameters : {}) as Record<
        string,
        unknown
      >;
      const params = r.sdk ? raw : optimizedParameters(key, r.action, raw);
      const operation = upperFirst(r.action);
      const url = new URL(endpoint);
      let body: string;
      const headers: Record<string, string> = {};
      if (spec.protocol === 'json') {
        body = JSON.stringify(spec.camelCase ? renameKeys(params, lowerFirst) : params);
        headers['content-type'] = `application/x-amz-json-${spec.jsonVersion}`;
        headers['x-amz-target'] = `${spec.targetPrefix}.${operation}`;
      } else {
        const fields: [string, string][] = [
          ['Action', operation],
          ['Version', spec.queryVersion!],
        ];
        queryFields('', params, fields);
        body = new URLSearchParams(fields).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
      }
      const prefix = r.sdk ? spec.sdkPrefix : spec.optimizedPrefix;
      let res: Response;
      try {
        const signed = await signRequest({
          method: 'POST',
          url,
          headers,
          body,
          region: call.region,
          service: spec.signingName,
          credentials,
          now: ctx.now(),
        });
        res = await doFetch(url, { method: 'POST', headers: signed, body, signal: ctx.signal });
      } catch (err) {
        return failed(`${prefix}.SdkClientException`, `Unable to execute HTTP request: ${(err as Error).message}`);
      }
      const text = await res.text();
      const requestId =
        res.headers.get('x-amzn-requestid') ?? res.headers.get('x-amz-request-id') ?? findRequestId(text) ?? uuid();
      if (!res.ok) {
        const { code, message } = spec.protocol === 'json' ? jsonError(text, res) : queryError(text);
        const exception = code.endsWith('Exception') ? code : `${code}Exception`;
        const cause = r.sdk
          ? `${message} (Service: ${spec.sdkPrefix}, Status Code: ${res.status}, Request ID: ${requestId})`
          : javaServiceCause(message, spec.javaServiceName, res.status, code, requestId);
        return failed(`${prefix}.${exception}`, cause);
      }
      let output: unknown;
      if (spec.protocol === 'json') {
        const parsed = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
        output = spec.camelCase ? renameKeys(parsed, upperFirst) : parsed;
      } else {
        const result = findNode(parseXml(text), `${operation}Result`);
        const value = result ? xmlToValue(result) : {};
        output = typeof value === 'object' && value !== null ? value : {};
      }
      if (!r.sdk && spec.metadata && typeof output === 'object' && output !== null && !Array.isArray(output)) {
        const hdrs: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          hdrs[k] = v;
        });
        hdrs['Content-Length'] ??= String(byteLength(text));
        hdrs.Date ??= httpDate(ctx.now());
        output = {
          ...output,
          SdkHttpMetadata: sdkHttpMetadata(hdrs, res.status),
          SdkResponseMetadata: { RequestId: requestId },
        };
      }
      if (r.pattern === 'waitForTaskToken') {
        reportSubmitted(ctx, output);
        return { type: 'pending', submitted: output };
      }
      return { type: 'succeeded', output };
    },
  };
}

function findRequestId(text: string): string | undefined {
  return /<RequestId>([^<]+)<\/RequestId>/.exec(text)?.[1];
}

function jsonError(text: string, res: Response): { code: string; message: string } {
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  const type = String(json.__type ?? json.code ?? res.headers.get('x-amzn-errortype') ?? `Http${res.status}`);
  const code = type.slice(type.indexOf('#') + 1).split(':')[0]!;
  return { code, message: String(json.message ?? json.Message ?? text) };
}

function queryError(text: string): { code: string; message: string } {
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? 'UnknownError';
  const message = unescapeXml(/<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '');
  return { code, message };
}
