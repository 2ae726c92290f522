/**
 * Registration: domains, workflow and activity types, domain tags.
 * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_RegisterDomain.html
 * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_RegisterWorkflowType.html
 */
import type { Clock, Operation, RequestContext } from '@statecraft/engine';
import { bindingOf, paginate } from '@statecraft/history';
import type { StorageDriver, StorageTx } from '@statecraft/storage';
import { C, domainArn, domainKey, swfFault, typeKey, validationError } from './keys.js';
import type { TypeRecord } from './runtime.js';

/** @internal */
export interface DomainRecord {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly status: 'REGISTERED' | 'DEPRECATED';
  readonly description?: string;
  readonly workflowExecutionRetentionPeriodInDays: string;
  readonly creationDate: number;
}

interface TagRecord {
  readonly tags: { key: string; value?: string }[];
}

const MAX_DOMAINS = 100;
const MAX_TYPES = 10_000;
const MAX_TAGS = 50;

/** Loads a domain or throws `UnknownResourceFault`. @internal */
export async function getDomain(tx: StorageTx, ctx: RequestContext, name: unknown): Promise<DomainRecord> {
  const n = String(name ?? '');
  const rec = await tx.get<DomainRecord>(C.domains, domainKey(ctx.region, ctx.accountId, n));
  if (!rec) throw swfFault('UnknownResourceFault', `Unknown domain: ${n}`);
  return rec;
}

function domainInfo(d: DomainRecord): Record<string, unknown> {
  return {
    name: d.name,
    status: d.status,
    ...(d.description !== undefined ? { description: d.description } : {}),
    arn: domainArn(d.region, d.accountId, d.name),
  };
}

/** Pages a sorted list with SWF's rules (size 0/absent = 1000; token bound to the query). @internal */
export function swfPage<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  binding: Record<string, unknown>,
  now: number,
) {
  const page = paginate(items, {
    maxResults: typeof input.maximumPageSize === 'number' ? input.maximumPageSize : undefined,
    defaultSize: 1000,
    nextToken: typeof input.nextPageToken === 'string' ? input.nextPageToken : undefined,
    binding: bindingOf(binding),
    now,
  });
  if ('problem' in page) {
    throw validationError(
      page.problem === 'expired' ? 'Specified token has exceeded its maximum lifetime' : 'Invalid token',
    );
  }
  return page;
}

function typeLabel(kind: 'workflow' | 'activity', name: string, version: string): string {
  return `${kind === 'workflow' ? 'WorkflowType' : 'ActivityType'}=[name=${name}, version=${version}]`;
}

const WORKFLOW_DEFAULTS = [
  'defaultTaskStartToCloseTimeout',
  'defaultExecutionStartToCloseTimeout',
  'defaultTaskList',
  'defaultTaskPriority',
  'defaultChildPolicy',
  'defaultLambdaRole',
] as const;

const ACTIVITY_DEFAULTS = [
  'defaultTaskStartToCloseTimeout',
  'defaultTaskHeartbeatTimeout',
  'defaultTaskList',
  'defaultTaskPriority',
  'defaultTaskScheduleToStartTimeout',
  'defaultTaskScheduleToCloseTimeout',
] as const;

function parseDomainArn(
  arn: unknown,
  ctx: RequestContext,
): { region: string; accountId: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:swf:([a-z0-9-]+):(\d{12}):\/domain\/(.+)$/.exec(String(arn ?? ''));
  if (!m) return undefined;
  void ctx;
  return { region: m[1]!, accountId: m[2]!, name: m[3]! };
}

function mergeTags(current: { key: string; value?: string }[], add: unknown): { key: string; value?: string }[] {
  const out = current.map((t) => ({ ...t }));
  for (const t of Array.isArray(add) ? (add as { key?: unknown; value?: unknown }[]) : []) {
    if (!t || typeof t.key !== 'string') continue;
    const next = { key: t.key, ...(typeof t.value === 'string' ? { value: t.value } : {}) };
    const i = out.findIndex((x) => x.key === t.key);
    if (i >= 0) out[i] = next;
    else out.push(next);
  }
  return out;
}

/** @internal */
export function registrationOperations(store: StorageDriver, clock: Clock): Record<string, Operation> {
  const typeOps = (kind: 'workflow' | 'activity'): Record<string, Operation> => {
    const K = kind === 'workflow' ? 'Workflow' : 'Activity';
    const refKey = kind === 'workflow' ? 'workflowType' : 'activityType';
    const defaultsOf = kind === 'workflow' ? WORKFLOW_DEFAULTS : ACTIVITY_DEFAULTS;
    const info = (t: TypeRecord) => ({
      [refKey]: { name: t.name, version: t.version },
      status: t.status,
      ...(t.description !== undefined ? { description: t.description } : {}),
      creationDate: new Date(t.creationDate),
      ...(t.deprecationDate !== undefined ? { deprecationDate: new Date(t.deprecationDate) } : {}),
    });
    const load = async (tx: StorageTx, input: Record<string, unknown>, ctx: RequestContext) => {
      const d = await getDomain(tx, ctx, input.domain);
      const ref = (input[refKey] ?? {}) as { name?: string; version?: string };
      const key = typeKey(domainKey(ctx.region, ctx.accountId, d.name), kind, String(ref.name), String(ref.version));
      const t = await tx.get<TypeRecord>(C.types, key);
      if (!t)
        throw swfFault(
          'UnknownResourceFault',
          `Unknown type: ${typeLabel(kind, String(ref.name), String(ref.version))}`,
        );
      return { key, t };
    };
    return {
      async [`Register${K}Type`](input, ctx) {
        return store.transaction(async (tx) => {
          const d = await getDomain(tx, ctx, input.domain);
          if (d.status === 'DEPRECATED') throw swfFault('DomainDeprecatedFault', d.name);
          const name = String(input.name);
          const version = String(input.version);
          const dKey = domainKey(ctx.region, ctx.accountId, d.name);
          const key = typeKey(dKey, kind, name, version);
          if (await tx.get(C.types, key)) throw swfFault('TypeAlreadyExistsFault', typeLabel(kind, name, version));
          const existing = await tx.list(C.types, { prefix: `${dKey}|${kind}|` });
          if (existing.length >= MAX_TYPES) {
            throw swfFault(
              'LimitExceededFault',
              `You have reached the limit of ${MAX_TYPES} ${kind} types in this domain.`,
            );
          }
          const defaults: Record<string, unknown> = {};
          for (const k of defaultsOf) if (input[k] !== undefined && input[k] !== null) defaults[k] = input[k];
          const rec: TypeRecord = {
            kind,
            name,
            version,
            status: 'REGISTERED',
            ...(typeof input.description === 'string' ? { description: input.description } : {}),
            creationDate: clock.now(),
            defaults,
          };
          await tx.put(C.types, key, rec);
          return {};
        });
      },
      async [`Describe${K}Type`](input, ctx) {
        return store.transaction(async (tx) => {
          const { t } = await load(tx, input, ctx);
          return { typeInfo: info(t), configuration: { ...t.defaults } };
        });
      },
      async [`List${K}Types`](input, ctx) {
        const items = await store.transaction(async (tx) => {
          const d = await getDomain(tx, ctx, input.domain);
          const dKey = domainKey(ctx.region, ctx.accountId, d.name);
          const all = await tx.list<TypeRecord>(C.types, { prefix: `${dKey}|${kind}|` });
          return all
            .map((e) => e.value)
            .filter((t) => t.status === input.registrationStatus)
            .filter((t) => typeof input.name !== 'string' || t.name === input.name);
        });
        items.sort((a, b) =>
          a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
        );
        if (input.reverseOrder === true) items.reverse();
        const page = swfPage(
          items,
          input,
          {
            op: `List${K}Types`,
            d: input.domain,
            n: input.name,
            s: input.registrationStatus,
            r: input.reverseOrder === true,
          },
          clock.now(),
        );
        return { typeInfos: page.items.map(info), ...(page.nextToken ? { nextPageToken: page.nextToken } : {}) };
      },
      async [`Deprecate${K}Type`](input, ctx) {
        await store.transaction(async (tx) => {
          const { key, t } = await load(tx, input, ctx);
          if (t.status === 'DEPRECATED') throw swfFault('TypeDeprecatedFault', typeLabel(kind, t.name, t.version));
          await tx.put(C.types, key, { ...t, status: 'DEPRECATED', deprecationDate: clock.now() });
        });
        return {};
      },
      async [`Undeprecate${K}Type`](input, ctx) {
        await store.transaction(async (tx) => {
          const { key, t } = await load(tx, input, ctx);
          if (t.status === 'REGISTERED') throw swfFault('TypeAlreadyExistsFault', typeLabel(kind, t.name, t.version));
          const { deprecationDate: _, ...rest } = t;
          await tx.put(C.types, key, { ...rest, status: 'REGISTERED' });
        });
        return {};
      },
      async [`Delete${K}Type`](input, ctx) {
        await store.transaction(async (tx) => {
          const { key, t } = await load(tx, input, ctx);
          if (t.status !== 'DEPRECATED') {
            throw swfFault(
              'TypeNotDeprecatedFault',
              `${typeLabel(kind, t.name, t.version)} is currently registered and cannot be deleted in its current state`,
            );
          }
          await tx.delete(C.types, key);
        });
        return {};
      },
    };
  };

  const domainByArn = async (tx: StorageTx, arn: unknown, ctx: RequestContext) => {
    const p = parseDomainArn(arn, ctx);
    const d = p ? await tx.get<DomainRecord>(C.domains, domainKey(p.region, p.accountId, p.name)) : undefined;
    if (!p || !d) throw swfFault('UnknownResourceFault', `Unknown resource: ${String(arn ?? '')}`);
    return domainArn(d.region, d.accountId, d.name);
  };

  return {
    async RegisterDomain(input, ctx) {
      const name = String(input.name ?? '');
      return store.transaction(async (tx) => {
        const key = domainKey(ctx.region, ctx.accountId, name);
        if (await tx.get(C.domains, key)) throw swfFault('DomainAlreadyExistsFault', name);
        const all = await tx.list(C.domains, { prefix: `${ctx.region}:${ctx.accountId}:` });
        if (all.length >= MAX_DOMAINS) {
          throw swfFault('LimitExceededFault', `You have reached the limit of ${MAX_DOMAINS} domains.`);
        }
        const tags = mergeTags([], input.tags);
        if (tags.length > MAX_TAGS) throw swfFault('TooManyTagsFault', `A resource can have at most ${MAX_TAGS} tags.`);
        const rec: DomainRecord = {
          name,
          region: ctx.region,
          accountId: ctx.accountId,
          status: 'REGISTERED',
          workflowExecutionRetentionPeriodInDays: String(input.workflowExecutionRetentionPeriodInDays ?? ''),
          creationDate: clock.now(),
          ...(typeof input.description === 'string' ? { description: input.description } : {}),
        };
        await tx.put(C.domains, key, rec);
        await tx.put<TagRecord>(C.tags, domainArn(ctx.region, ctx.accountId, name), { tags });
        return {};
      });
    },

    async DescribeDomain(input, ctx) {
      const d = await store.transaction((tx) => getDomain(tx, ctx, input.name));
      return {
        domainInfo: domainInfo(d),
        configuration: { workflowExecutionRetentionPeriodInDays: d.workflowExecutionRetentionPeriodInDays },
      };
    },

    async ListDomains(input, ctx) {
      const status = String(input.registrationStatus ?? '');
      const all = await store.transaction((tx) =>
        tx.list<DomainRecord>(C.domains, { prefix: `${ctx.region}:${ctx.accountId}:` }),
      );
      const items = all
        .map((e) => e.value)
        .filter((d) => d.status === status)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (input.reverseOrder === true) items.reverse();
      const page = swfPage(
        items,
        input,
        { op: 'ListDomains', status, reverse: input.reverseOrder === true },
        clock.now(),
      );
      return {
        domainInfos: page.items.map(domainInfo),
        ...(page.nextToken ? { nextPageToken: page.nextToken } : {}),
      };
    },

    async DeprecateDomain(input, ctx) {
      await store.transaction(async (tx) => {
        const d = await getDomain(tx, ctx, input.name);
        if (d.status === 'DEPRECATED') throw swfFault('DomainDeprecatedFault', d.name);
        await tx.put(C.domains, domainKey(ctx.region, ctx.accountId, d.name), { ...d, status: 'DEPRECATED' });
        // "Deprecating a domain also deprecates all activity and workflow types registered in the domain."
        const dKey = domainKey(ctx.region, ctx.accountId, d.name);
        for (const e of await tx.list<TypeRecord>(C.types, { prefix: `${dKey}|` })) {
          if (e.value.status === 'REGISTERED') {
            await tx.put(C.types, e.key, { ...e.value, status: 'DEPRECATED', deprecationDate: clock.now() });
          }
        }
      });
      return {};
    },

    async UndeprecateDomain(input, ctx) {
      await store.transaction(async (tx) => {
        const d = await getDomain(tx, ctx, input.name);
        if (d.status === 'REGISTERED') throw swfFault('DomainAlreadyExistsFault', d.name);
        await tx.put(C.domains, domainKey(ctx.region, ctx.accountId, d.name), { ...d, status: 'REGISTERED' });
      });
      return {};
    },

    ...typeOps('workflow'),
    ...typeOps('activity'),

    async TagResource(input, ctx) {
      await store.transaction(async (tx) => {
        const arn = await domainByArn(tx, input.resourceArn, ctx);
        const cur = (await tx.get<TagRecord>(C.tags, arn))?.tags ?? [];
        const tags = mergeTags(cur, input.tags);
        if (tags.length > MAX_TAGS) throw swfFault('TooManyTagsFault', `A resource can have at most ${MAX_TAGS} tags.`);
        await tx.put<TagRecord>(C.tags, arn, { tags });
      });
      return {};
    },

    async UntagResource(input, ctx) {
      await store.transaction(async (tx) => {
        const arn = await domainByArn(tx, input.resourceArn, ctx);
        const drop = new Set(Array.isArray(input.tagKeys) ? input.tagKeys : []);
        const cur = (await tx.get<TagRecord>(C.tags, arn))?.tags ?? [];
        await tx.put<TagRecord>(C.tags, arn, { tags: cur.filter((t) => !drop.has(t.key)) });
      });
      return {};
    },

    async ListTagsForResource(input, ctx) {
      return store.transaction(async (tx) => {
        const arn = await domainByArn(tx, input.resourceArn, ctx);
        return { tags: (await tx.get<TagRecord>(C.tags, arn))?.tags ?? [] };
      });
    },
  };
}
