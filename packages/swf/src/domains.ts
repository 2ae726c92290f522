/**
 * SWF domains: register, describe, list, deprecate, undeprecate.
 * @see https://docs.aws.amazon.com/amazonswf/latest/apireference/API_RegisterDomain.html
 */
import type { Clock, Operation } from '@statecraft/engine';
import { AwsServiceError } from '@statecraft/engine';
import { bindingOf, paginate } from '@statecraft/history';
import type { StorageDriver } from '@statecraft/storage';

const FAULT_NS = 'com.amazonaws.swf.base.model';

/** @internal */
export const DOMAINS = 'swf:domains';

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

/** @internal */
export function swfFault(name: string, message: string): AwsServiceError {
  return new AwsServiceError(name, message, { namespace: FAULT_NS });
}

/** @internal */
export function domainKey(region: string, accountId: string, name: string): string {
  return `${region}:${accountId}:${name}`;
}

/** @internal */
export function domainArn(region: string, accountId: string, name: string): string {
  return `arn:aws:swf:${region}:${accountId}:/domain/${name}`;
}

/** Loads a domain or throws `UnknownResourceFault`. @internal */
export async function requireDomain(store: StorageDriver, region: string, accountId: string, name: string) {
  const rec = await store.transaction((tx) => tx.get<DomainRecord>(DOMAINS, domainKey(region, accountId, name)));
  if (!rec) throw swfFault('UnknownResourceFault', `Unknown domain: ${name}`);
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

/** @internal */
export function domainOperations(store: StorageDriver, clock: Clock): Record<string, Operation> {
  return {
    async RegisterDomain(input, ctx) {
      const name = String(input.name ?? '');
      const retention = String(input.workflowExecutionRetentionPeriodInDays ?? '');
      return store.transaction(async (tx) => {
        const key = domainKey(ctx.region, ctx.accountId, name);
        if (await tx.get(DOMAINS, key)) throw swfFault('DomainAlreadyExistsFault', name);
        const rec: DomainRecord = {
          name,
          region: ctx.region,
          accountId: ctx.accountId,
          status: 'REGISTERED',
          workflowExecutionRetentionPeriodInDays: retention,
          creationDate: clock.now(),
          ...(typeof input.description === 'string' ? { description: input.description } : {}),
        };
        await tx.put(DOMAINS, key, rec);
        return {};
      });
    },

    async DescribeDomain(input, ctx) {
      const d = await requireDomain(store, ctx.region, ctx.accountId, String(input.name ?? ''));
      return {
        domainInfo: domainInfo(d),
        configuration: { workflowExecutionRetentionPeriodInDays: d.workflowExecutionRetentionPeriodInDays },
      };
    },

    async ListDomains(input, ctx) {
      const status = String(input.registrationStatus ?? '');
      const all = await store.transaction((tx) =>
        tx.list<DomainRecord>(DOMAINS, { prefix: `${ctx.region}:${ctx.accountId}:` }),
      );
      const items = all
        .map((e) => e.value)
        .filter((d) => d.status === status)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (input.reverseOrder === true) items.reverse();
      const page = paginate(items, {
        maxResults: input.maximumPageSize as number | undefined,
        defaultSize: 1000,
        nextToken: typeof input.nextPageToken === 'string' ? input.nextPageToken : undefined,
        binding: bindingOf({ op: 'ListDomains', status, reverse: input.reverseOrder === true }),
        now: clock.now(),
      });
      if ('problem' in page) {
        throw new AwsServiceError('ValidationException', 'Invalid token', { namespace: 'com.amazon.coral.validate' });
      }
      return {
        domainInfos: page.items.map(domainInfo),
        ...(page.nextToken ? { nextPageToken: page.nextToken } : {}),
      };
    },

    async DeprecateDomain(input, ctx) {
      const name = String(input.name ?? '');
      await store.transaction(async (tx) => {
        const key = domainKey(ctx.region, ctx.accountId, name);
        const d = await tx.get<DomainRecord>(DOMAINS, key);
        if (!d) throw swfFault('UnknownResourceFault', `Unknown domain: ${name}`);
        if (d.status === 'DEPRECATED') throw swfFault('DomainDeprecatedFault', name);
        await tx.put(DOMAINS, key, { ...d, status: 'DEPRECATED' });
      });
      return {};
    },

    async UndeprecateDomain(input, ctx) {
      const name = String(input.name ?? '');
      await store.transaction(async (tx) => {
        const key = domainKey(ctx.region, ctx.accountId, name);
        const d = await tx.get<DomainRecord>(DOMAINS, key);
        if (!d) throw swfFault('UnknownResourceFault', `Unknown domain: ${name}`);
        if (d.status === 'REGISTERED') throw swfFault('DomainAlreadyExistsFault', name);
        await tx.put(DOMAINS, key, { ...d, status: 'REGISTERED' });
      });
      return {};
    },
  };
}
