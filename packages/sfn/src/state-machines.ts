/**
 * State machines, their versions and aliases: CreateStateMachine, DescribeStateMachine,
 * UpdateStateMachine, DeleteStateMachine, ListStateMachines, PublishStateMachineVersion,
 * ListStateMachineVersions, DeleteStateMachineVersion and the five alias operations.
 *
 * Revisions follow what AWS records: a machine has no `revisionId` until its first update; an update
 * whose definition (and everything else given) is unchanged keeps the revision, any other update makes a
 * new one; publishing a revision that already has a version returns that version.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-state-machine-version.html
 */
import type { Operation } from '@statecraft/engine';
import { AwsServiceError } from '@statecraft/engine';
import { type ParsedArn, parseArn, requireArn, stateMachineArn } from './arns.js';
import {
  conflict,
  date,
  page,
  randomId,
  resourceNotFound,
  type SfnContext,
  smDoesNotExist,
  str,
  tokenOf,
  validation,
} from './context.js';
import { checkDefinition } from './definitions.js';
import { requireValidName } from './names.js';
import {
  type AliasRecord,
  C,
  type ExecutionRecord,
  type RevisionFields,
  type RoutingEntry,
  type StateMachineRecord,
  type StateMachineType,
  type VersionRecord,
} from './records.js';
import { deleteTags, putTags } from './tags.js';
import { variableReferences } from './variable-references.js';

const DEFAULT_LOGGING = { level: 'OFF', includeExecutionData: false } as const;
const DEFAULT_TRACING = { enabled: false } as const;
const DEFAULT_ENCRYPTION = { type: 'AWS_OWNED_KEY' } as const;
const MAX_VERSIONS = 1000;
const MAX_ALIASES = 100;

/** A state machine ARN split into its base and its qualifier (version number or alias name). @internal */
export interface StateMachineRef {
  readonly parsed: ParsedArn;
  readonly baseArn: string;
  readonly name: string;
  readonly kind: 'base' | 'version' | 'alias';
  readonly qualifier?: string;
}

/** @internal */
export function refOf(arn: string): StateMachineRef {
  const parsed = requireArn(arn, ['stateMachine']);
  const [name = '', qualifier, ...rest] = parsed.parts;
  if (rest.length > 0) throw new AwsServiceError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
  const baseArn = stateMachineArn(parsed.region, parsed.accountId, name);
  if (qualifier === undefined) return { parsed, baseArn, name, kind: 'base' };
  return { parsed, baseArn, name, kind: /^\d+$/.test(qualifier) ? 'version' : 'alias', qualifier };
}

function logging(input: Record<string, unknown>): Record<string, unknown> | undefined {
  const given = input.loggingConfiguration as Record<string, unknown> | undefined;
  if (given === undefined) return undefined;
  const out: Record<string, unknown> = { ...DEFAULT_LOGGING, ...given };
  const destinations = Array.isArray(given.destinations) ? given.destinations : [];
  if (out.level !== 'OFF' && destinations.length !== 1) {
    throw new AwsServiceError(
      'InvalidLoggingConfiguration',
      'Invalid Logging Configuration: Must specify exactly one Log Destination.',
    );
  }
  return out;
}

function encryption(input: Record<string, unknown>): Record<string, unknown> | undefined {
  const given = input.encryptionConfiguration as Record<string, unknown> | undefined;
  if (given === undefined) return undefined;
  if (given.type === 'CUSTOMER_MANAGED_KMS_KEY' && typeof given.kmsKeyId !== 'string') {
    throw new AwsServiceError(
      'InvalidEncryptionConfiguration',
      "Invalid Encryption Configuration: 'kmsKeyId' must be specified for 'CUSTOMER_MANAGED_KMS_KEY'.",
    );
  }
  if (given.type === 'AWS_OWNED_KEY' && given.kmsKeyId !== undefined) {
    throw new AwsServiceError(
      'InvalidEncryptionConfiguration',
      "Invalid Encryption Configuration: 'kmsKeyId' must not be specified for 'AWS_OWNED_KEY'.",
    );
  }
  return { ...given };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameDefinition(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return sameJson(JSON.parse(a), JSON.parse(b));
  } catch {
    return false;
  }
}

function revisionFields(r: RevisionFields): RevisionFields {
  return {
    definition: r.definition,
    roleArn: r.roleArn,
    type: r.type,
    loggingConfiguration: r.loggingConfiguration,
    tracingConfiguration: r.tracingConfiguration,
    encryptionConfiguration: r.encryptionConfiguration,
    ...(r.revisionId !== undefined ? { revisionId: r.revisionId } : {}),
  };
}

/** @internal */
export function versionArnOf(baseArn: string, version: number): string {
  return `${baseArn}:${version}`;
}

/** Reads a machine; `StateMachineDoesNotExist` with the ARN as given. @internal */
export async function getStateMachine(ctx: SfnContext, arn: string): Promise<StateMachineRecord> {
  const ref = refOf(arn);
  if (ref.kind !== 'base') throw smDoesNotExist(arn);
  const rec = await ctx.store.transaction((tx) => tx.get<StateMachineRecord>(C.stateMachines, ref.baseArn));
  if (!rec) throw smDoesNotExist(arn);
  return rec;
}

/** The description members shared by DescribeStateMachine and DescribeStateMachineForExecution. @internal */
export function configMembers(ctx: SfnContext, r: Partial<RevisionFields>): Record<string, unknown> {
  return {
    loggingConfiguration: r.loggingConfiguration ?? DEFAULT_LOGGING,
    tracingConfiguration: r.tracingConfiguration ?? DEFAULT_TRACING,
    ...(ctx.describeEncryption ? { encryptionConfiguration: r.encryptionConfiguration ?? DEFAULT_ENCRYPTION } : {}),
  };
}

/** `variableReferences`, when the definition has any. @internal */
export function variableMembers(definition: string): Record<string, unknown> {
  const refs = variableReferences(definition);
  return refs ? { variableReferences: refs } : {};
}

async function publish(
  ctx: SfnContext,
  sm: StateMachineRecord,
  description: string | undefined,
): Promise<{ sm: StateMachineRecord; version: VersionRecord }> {
  return ctx.store.transaction(async (tx) => {
    const current = (await tx.get<StateMachineRecord>(C.stateMachines, sm.arn)) ?? sm;
    if (current.currentRevisionVersion !== undefined) {
      const existing = await tx.get<VersionRecord>(
        C.versions,
        versionArnOf(current.arn, current.currentRevisionVersion),
      );
      if (existing) return { sm: current, version: existing };
    }
    const count = (await tx.list<VersionRecord>(C.versions, { prefix: `${current.arn}:` })).length;
    if (count >= MAX_VERSIONS) {
      throw new AwsServiceError(
        'ServiceQuotaExceededException',
        `Service Quota Exceeded: the state machine '${current.arn}' has reached the limit of ${MAX_VERSIONS} versions.`,
        { status: 402 },
      );
    }
    const number = current.versionCounter + 1;
    const version: VersionRecord = {
      ...revisionFields(current),
      arn: versionArnOf(current.arn, number),
      stateMachineArn: current.arn,
      name: current.name,
      version: number,
      creationDate: ctx.clock.now(),
      ...(description !== undefined ? { description } : {}),
    };
    const next: StateMachineRecord = { ...current, versionCounter: number, currentRevisionVersion: number };
    await tx.put(C.versions, version.arn, version);
    await tx.put(C.stateMachines, next.arn, next);
    return { sm: next, version };
  });
}

function checkVersionDescription(input: Record<string, unknown>): void {
  if (str(input, 'versionDescription') !== undefined && input.publish !== true) {
    throw validation('Version description can only be set when publish is true');
  }
}

function checkRouting(routing: unknown): RoutingEntry[] {
  const list = Array.isArray(routing) ? (routing as RoutingEntry[]) : [];
  const bad = (msg: string) => validation(msg, 'INVALID_ROUTING_CONFIGURATION');
  if (list.length === 0 || list.length > 2) throw bad('Routing configuration must contain one or two versions.');
  const sum = list.reduce((s, e) => s + (typeof e.weight === 'number' ? e.weight : 0), 0);
  if (sum !== 100) throw bad('Sum of routing configuration weights must be equal to 100.');
  const arns = list.map((e) => e.stateMachineVersionArn);
  if (new Set(arns).size !== arns.length)
    throw bad('Routing configuration must contain distinct state machine versions.');
  const bases = new Set<string>();
  for (const e of list) {
    const ref = refOf(e.stateMachineVersionArn);
    if (ref.kind !== 'version')
      throw bad(`Routing configuration must contain state machine version ARNs: '${e.stateMachineVersionArn}'`);
    bases.add(ref.baseArn);
  }
  if (bases.size > 1) throw bad('Routing configuration must contain versions of the same state machine.');
  return list.map((e) => ({ stateMachineVersionArn: e.stateMachineVersionArn, weight: e.weight }));
}

async function requireVersions(ctx: SfnContext, routing: readonly RoutingEntry[]): Promise<void> {
  for (const e of routing) {
    const v = await ctx.store.transaction((tx) => tx.get<VersionRecord>(C.versions, e.stateMachineVersionArn));
    if (!v) throw resourceNotFound(e.stateMachineVersionArn);
  }
}

/** Picks a version by weight (alias routing). @internal */
export function pickVersion(routing: readonly RoutingEntry[]): string {
  let r = Math.random() * 100;
  for (const e of routing) {
    r -= e.weight;
    if (r < 0) return e.stateMachineVersionArn;
  }
  return routing[routing.length - 1]!.stateMachineVersionArn;
}

/** How many executions of a machine (any version or alias) are running. @internal */
export async function runningExecutionsOf(ctx: SfnContext, baseArn: string): Promise<number> {
  const all = await ctx.store.transaction((tx) => tx.list<ExecutionRecord>(C.executions));
  return all.filter((e) => e.value.stateMachineArn === baseArn && e.value.status === 'RUNNING').length;
}

/** Deletes a machine and everything hanging off it (versions, aliases, tags). @internal */
export async function purgeStateMachine(ctx: SfnContext, arn: string): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    for (const v of await tx.list<VersionRecord>(C.versions, { prefix: `${arn}:` })) await tx.delete(C.versions, v.key);
    for (const a of await tx.list<AliasRecord>(C.aliases, { prefix: `${arn}:` })) await tx.delete(C.aliases, a.key);
    await tx.delete(C.stateMachines, arn);
    await deleteTags(tx, arn);
  });
}

/** @internal */
export function stateMachineOperations(ctx: SfnContext): Record<string, Operation> {
  const { store, clock } = ctx;

  return {
    async CreateStateMachine(input, rc) {
      const name = str(input, 'name') ?? '';
      requireValidName(name);
      const type = (str(input, 'type') ?? 'STANDARD') as StateMachineType;
      const definition = str(input, 'definition') ?? '';
      checkVersionDescription(input);
      checkDefinition(definition, type);
      const loggingConfiguration = logging(input) ?? { ...DEFAULT_LOGGING };
      const tracingConfiguration = (input.tracingConfiguration as Record<string, unknown> | undefined) ?? {
        ...DEFAULT_TRACING,
      };
      const encryptionConfiguration = encryption(input) ?? { ...DEFAULT_ENCRYPTION };
      const arn = stateMachineArn(rc.region, rc.accountId, name);
      const roleArn = str(input, 'roleArn') ?? '';
      const tags = Array.isArray(input.tags) ? (input.tags as { key: string; value: string }[]) : [];
      const created = await store.transaction(async (tx) => {
        const existing = await tx.get<StateMachineRecord>(C.stateMachines, arn);
        if (existing) {
          if (existing.status === 'DELETING') {
            throw new AwsServiceError('StateMachineDeleting', `State machine is being deleted: '${arn}'`);
          }
          // AWS: creating the same machine again (same definition, role, type and configuration) is idempotent.
          const same =
            existing.definition === definition &&
            existing.roleArn === roleArn &&
            existing.type === type &&
            sameJson(existing.loggingConfiguration, loggingConfiguration) &&
            sameJson(existing.tracingConfiguration, { ...DEFAULT_TRACING, ...tracingConfiguration });
          if (same) return existing;
          throw new AwsServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
        }
        const rec: StateMachineRecord = {
          arn,
          name,
          definition,
          roleArn,
          type,
          creationDate: clock.now(),
          status: 'ACTIVE',
          versionCounter: 0,
          loggingConfiguration,
          tracingConfiguration: { ...DEFAULT_TRACING, ...tracingConfiguration },
          encryptionConfiguration,
        };
        await tx.put(C.stateMachines, arn, rec);
        await putTags(tx, arn, tags);
        return rec;
      });
      let versionArn: string | undefined;
      if (input.publish === true) {
        versionArn = (await publish(ctx, created, str(input, 'versionDescription'))).version.arn;
      }
      return {
        stateMachineArn: arn,
        creationDate: date(created.creationDate),
        ...(versionArn !== undefined ? { stateMachineVersionArn: versionArn } : {}),
      };
    },

    async DescribeStateMachine(input) {
      const arn = str(input, 'stateMachineArn') ?? '';
      const ref = refOf(arn);
      if (ref.kind === 'version') {
        const v = await store.transaction((tx) => tx.get<VersionRecord>(C.versions, arn));
        if (!v) throw smDoesNotExist(arn);
        return {
          stateMachineArn: v.arn,
          name: v.name,
          status: 'ACTIVE',
          definition: v.definition,
          roleArn: v.roleArn,
          type: v.type,
          creationDate: date(v.creationDate),
          ...configMembers(ctx, v),
          ...(v.revisionId !== undefined ? { revisionId: v.revisionId } : {}),
          ...(v.description !== undefined ? { description: v.description } : {}),
          ...variableMembers(v.definition),
        };
      }
      const rec = await getStateMachine(ctx, arn);
      return {
        stateMachineArn: rec.arn,
        name: rec.name,
        status: rec.status,
        definition: rec.definition,
        roleArn: rec.roleArn,
        type: rec.type,
        creationDate: date(rec.creationDate),
        ...configMembers(ctx, rec),
        ...(rec.revisionId !== undefined ? { revisionId: rec.revisionId } : {}),
        ...(rec.description !== undefined ? { description: rec.description } : {}),
        ...variableMembers(rec.definition),
      };
    },

    async UpdateStateMachine(input) {
      const arn = str(input, 'stateMachineArn') ?? '';
      const definition = str(input, 'definition');
      const roleArn = str(input, 'roleArn');
      const loggingConfiguration = logging(input);
      const tracing = input.tracingConfiguration as Record<string, unknown> | undefined;
      const encryptionConfiguration = encryption(input);
      const sm = await getStateMachine(ctx, arn);
      if (sm.status === 'DELETING') {
        throw new AwsServiceError('StateMachineDeleting', `State machine is being deleted: '${arn}'`);
      }
      if (
        definition === undefined &&
        roleArn === undefined &&
        loggingConfiguration === undefined &&
        tracing === undefined &&
        encryptionConfiguration === undefined
      ) {
        throw new AwsServiceError(
          'MissingRequiredParameter',
          'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified',
        );
      }
      checkVersionDescription(input);
      if (definition !== undefined) checkDefinition(definition, sm.type);
      const tracingConfiguration = tracing !== undefined ? { ...DEFAULT_TRACING, ...tracing } : undefined;
      const changed =
        (definition !== undefined && !sameDefinition(definition, sm.definition)) ||
        (roleArn !== undefined && roleArn !== sm.roleArn) ||
        (loggingConfiguration !== undefined && !sameJson(loggingConfiguration, sm.loggingConfiguration)) ||
        (tracingConfiguration !== undefined && !sameJson(tracingConfiguration, sm.tracingConfiguration)) ||
        (encryptionConfiguration !== undefined && !sameJson(encryptionConfiguration, sm.encryptionConfiguration));
      // AWS keeps the revision when the definition is given unchanged (and nothing else changes); any
      // other update makes a new revision, even one that only repeats the role (AWS-recorded).
      const newRevision = changed || definition === undefined;
      const now = clock.now();
      let next: StateMachineRecord = sm;
      if (newRevision) {
        const { currentRevisionVersion: _drop, ...rest } = sm;
        next = {
          ...rest,
          ...(definition !== undefined ? { definition } : {}),
          ...(roleArn !== undefined ? { roleArn } : {}),
          ...(loggingConfiguration !== undefined ? { loggingConfiguration } : {}),
          ...(tracingConfiguration !== undefined ? { tracingConfiguration } : {}),
          ...(encryptionConfiguration !== undefined ? { encryptionConfiguration } : {}),
          revisionId: randomId(),
          updateDate: now,
        };
        await store.transaction((tx) => tx.put(C.stateMachines, sm.arn, next));
      }
      let versionArn: string | undefined;
      if (input.publish === true) {
        const published = await publish(ctx, next, str(input, 'versionDescription'));
        next = published.sm;
        versionArn = published.version.arn;
      }
      return {
        updateDate: date(next.updateDate ?? now),
        ...(next.revisionId !== undefined ? { revisionId: next.revisionId } : {}),
        ...(versionArn !== undefined ? { stateMachineVersionArn: versionArn } : {}),
      };
    },

    async DeleteStateMachine(input) {
      const arn = str(input, 'stateMachineArn') ?? '';
      const ref = refOf(arn);
      if (ref.kind !== 'base') {
        throw validation(`Invalid Arn: 'Qualified state machine ARNs are not supported by this operation: ${arn}'`);
      }
      // AWS answers success for a machine that does not exist (recorded). A machine with running executions
      // goes to DELETING and disappears when the last one closes.
      const sm = await store.transaction((tx) => tx.get<StateMachineRecord>(C.stateMachines, arn));
      if (!sm) return {};
      const running = await runningExecutionsOf(ctx, arn);
      if (running > 0) {
        await store.transaction((tx) => tx.put(C.stateMachines, arn, { ...sm, status: 'DELETING' }));
      } else {
        await purgeStateMachine(ctx, arn);
      }
      return {};
    },

    async ListStateMachines(input, rc) {
      const all = await store.transaction((tx) => tx.list<StateMachineRecord>(C.stateMachines));
      const mine = all
        .map((e) => e.value)
        .filter((r) => {
          const p = parseArn(r.arn);
          return p?.region === rc.region && p.accountId === rc.accountId;
        });
      const p = page(ctx, mine, input, { op: 'ListStateMachines', region: rc.region, account: rc.accountId });
      return {
        stateMachines: p.items.map((r) => ({
          stateMachineArn: r.arn,
          name: r.name,
          type: r.type,
          creationDate: date(r.creationDate),
        })),
        ...tokenOf(p),
      };
    },

    async PublishStateMachineVersion(input) {
      const arn = str(input, 'stateMachineArn') ?? '';
      const sm = await getStateMachine(ctx, arn);
      if (sm.status === 'DELETING') {
        throw new AwsServiceError('StateMachineDeleting', `State machine is being deleted: '${arn}'`);
      }
      const revisionId = str(input, 'revisionId');
      const current = sm.revisionId ?? 'INITIAL';
      if (revisionId !== undefined && revisionId !== sm.revisionId && !(revisionId === 'INITIAL' && !sm.revisionId)) {
        throw conflict(
          `Failed to publish the State Machine version for revision ${revisionId}. The current State Machine revision is ${current}.`,
        );
      }
      const { version } = await publish(ctx, sm, str(input, 'description'));
      return { creationDate: date(version.creationDate), stateMachineVersionArn: version.arn };
    },

    async ListStateMachineVersions(input) {
      const arn = str(input, 'stateMachineArn') ?? '';
      const ref = refOf(arn);
      if (ref.kind !== 'base')
        throw validation(`Invalid Arn: 'Qualified state machine ARNs are not supported: ${arn}'`);
      const all = await store.transaction((tx) => tx.list<VersionRecord>(C.versions, { prefix: `${ref.baseArn}:` }));
      const versions = all.map((e) => e.value).sort((a, b) => b.version - a.version);
      const p = page(ctx, versions, input, { op: 'ListStateMachineVersions', arn });
      return {
        stateMachineVersions: p.items.map((v) => ({
          stateMachineVersionArn: v.arn,
          creationDate: date(v.creationDate),
        })),
        ...tokenOf(p),
      };
    },

    async DeleteStateMachineVersion(input) {
      const arn = str(input, 'stateMachineVersionArn') ?? '';
      const ref = refOf(arn);
      if (ref.kind !== 'version') {
        throw validation(`Invalid Arn: 'Unqualified or alias ARNs are not supported by this operation: ${arn}'`);
      }
      await store.transaction(async (tx) => {
        const aliases = await tx.list<AliasRecord>(C.aliases, { prefix: `${ref.baseArn}:` });
        const using = aliases
          .map((a) => a.value)
          .filter((a) => a.routingConfiguration.some((r) => r.stateMachineVersionArn === arn))
          .map((a) => a.name);
        if (using.length > 0) {
          throw conflict(
            `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${using.join(', ')}]`,
          );
        }
        await tx.delete(C.versions, arn);
        const sm = await tx.get<StateMachineRecord>(C.stateMachines, ref.baseArn);
        if (sm && sm.currentRevisionVersion === Number(ref.qualifier)) {
          const { currentRevisionVersion: _drop, ...rest } = sm;
          await tx.put(C.stateMachines, sm.arn, rest);
        }
      });
      return {};
    },

    async CreateStateMachineAlias(input) {
      const name = str(input, 'name') ?? '';
      const routing = checkRouting(input.routingConfiguration);
      const description = str(input, 'description');
      const baseArn = refOf(routing[0]!.stateMachineVersionArn).baseArn;
      const sm = await store.transaction((tx) => tx.get<StateMachineRecord>(C.stateMachines, baseArn));
      if (!sm) throw resourceNotFound(baseArn);
      if (sm.status === 'DELETING') {
        throw new AwsServiceError('StateMachineDeleting', `State machine is being deleted: '${baseArn}'`);
      }
      await requireVersions(ctx, routing);
      const arn = `${baseArn}:${name}`;
      return store.transaction(async (tx) => {
        const existing = await tx.get<AliasRecord>(C.aliases, arn);
        if (existing) {
          if (sameJson(existing.routingConfiguration, routing) && existing.description === description) {
            return { stateMachineAliasArn: arn, creationDate: date(existing.creationDate) };
          }
          throw conflict(
            `Failed to create alias because an alias with the same name and a different routing configuration already exists.`,
          );
        }
        const count = (await tx.list<AliasRecord>(C.aliases, { prefix: `${baseArn}:` })).length;
        if (count >= MAX_ALIASES) {
          throw new AwsServiceError(
            'ServiceQuotaExceededException',
            `Service Quota Exceeded: the state machine '${baseArn}' has reached the limit of ${MAX_ALIASES} aliases.`,
            { status: 402 },
          );
        }
        const now = clock.now();
        const rec: AliasRecord = {
          arn,
          stateMachineArn: baseArn,
          name,
          routingConfiguration: routing,
          creationDate: now,
          updateDate: now,
          ...(description !== undefined ? { description } : {}),
        };
        await tx.put(C.aliases, arn, rec);
        return { stateMachineAliasArn: arn, creationDate: date(now) };
      });
    },

    async DescribeStateMachineAlias(input) {
      const arn = str(input, 'stateMachineAliasArn') ?? '';
      const ref = refOf(arn);
      if (ref.kind !== 'alias') throw validation(`Invalid Arn: 'Not a state machine alias ARN: ${arn}'`);
      const a = await store.transaction((tx) => tx.get<AliasRecord>(C.aliases, arn));
      if (!a) throw resourceNotFound(arn);
      return {
        stateMachineAliasArn: a.arn,
        name: a.name,
        ...(a.description !== undefined ? { description: a.description } : {}),
        routingConfiguration: a.routingConfiguration,
        creationDate: date(a.creationDate),
        updateDate: date(a.updateDate ?? a.creationDate),
      };
    },

    async UpdateStateMachineAlias(input) {
      const arn = str(input, 'stateMachineAliasArn') ?? '';
      const ref = refOf(arn);
      if (ref.kind !== 'alias') throw validation(`Invalid Arn: 'Not a state machine alias ARN: ${arn}'`);
      const description = str(input, 'description');
      if (description === undefined && input.routingConfiguration === undefined) {
        throw validation('Either the description or the RoutingConfiguration must be specified');
      }
      const routing = input.routingConfiguration !== undefined ? checkRouting(input.routingConfiguration) : undefined;
      if (routing) {
        for (const r of routing) {
          if (refOf(r.stateMachineVersionArn).baseArn !== ref.baseArn) {
            throw validation(
              'Routing configuration must contain versions of the same state machine as the alias.',
              'INVALID_ROUTING_CONFIGURATION',
            );
          }
        }
      }
      const a = await store.transaction((tx) => tx.get<AliasRecord>(C.aliases, arn));
      if (!a)
        throw new AwsServiceError('ResourceNotFound', 'Request references a resource that does not exist.', {
          status: 404,
        });
      if (routing) await requireVersions(ctx, routing);
      const now = clock.now();
      await store.transaction((tx) =>
        tx.put(C.aliases, arn, {
          ...a,
          ...(description !== undefined ? { description } : {}),
          ...(routing ? { routingConfiguration: routing } : {}),
          updateDate: now,
        }),
      );
      return { updateDate: date(now) };
    },

    async DeleteStateMachineAlias(input) {
      const arn = str(input, 'stateMachineAliasArn') ?? '';
      const ref = refOf(arn);
      if (ref.kind !== 'alias') throw validation(`Invalid Arn: 'Not a state machine alias ARN: ${arn}'`);
      const existed = await store.transaction((tx) => tx.delete(C.aliases, arn));
      if (!existed) throw resourceNotFound(arn);
      return {};
    },

    async ListStateMachineAliases(input) {
      const arn = str(input, 'stateMachineArn') ?? '';
      const ref = refOf(arn);
      if (ref.kind === 'alias') throw validation(`Invalid Arn: 'Alias ARNs are not supported: ${arn}'`);
      const sm = await store.transaction((tx) => tx.get<StateMachineRecord>(C.stateMachines, ref.baseArn));
      if (!sm) throw smDoesNotExist(arn);
      if (ref.kind === 'version') {
        const v = await store.transaction((tx) => tx.get<VersionRecord>(C.versions, arn));
        if (!v) throw resourceNotFound(arn);
      }
      const all = await store.transaction((tx) => tx.list<AliasRecord>(C.aliases, { prefix: `${ref.baseArn}:` }));
      const aliases = all
        .map((e) => e.value)
        .filter((a) => ref.kind === 'base' || a.routingConfiguration.some((r) => r.stateMachineVersionArn === arn))
        .sort((a, b) => a.creationDate - b.creationDate || a.name.localeCompare(b.name));
      const p = page(ctx, aliases, input, { op: 'ListStateMachineAliases', arn });
      return {
        stateMachineAliases: p.items.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: date(a.creationDate) })),
        ...tokenOf(p),
      };
    },
  };
}
