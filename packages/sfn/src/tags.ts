/**
 * Tags on state machines and activities: TagResource, UntagResource, ListTagsForResource. Versions and
 * aliases cannot be tagged (`ResourceNotFound`, AWS-recorded).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-tagging.html
 */
import type { Operation } from '@statecraft/engine';
import { AwsServiceError } from '@statecraft/engine';
import type { StorageTx } from '@statecraft/storage';
import { requireArn } from './arns.js';
import { resourceNotFound, type SfnContext, str } from './context.js';
import { C } from './records.js';

/** A resource may carry at most 50 tags. @internal */
export const MAX_TAGS = 50;

/** @internal */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** @internal */
export async function tagList(tx: StorageTx, arn: string): Promise<Tag[]> {
  return (await tx.get<Tag[]>(C.tags, arn)) ?? [];
}

function tooMany(arn: string): AwsServiceError {
  return new AwsServiceError('TooManyTags', `Too many tags on resource: '${arn}'. The maximum is ${MAX_TAGS}.`, {
    members: { resourceName: arn },
  });
}

/** Merges tags into a resource's set (a key given twice keeps its last value). @internal */
export async function putTags(tx: StorageTx, arn: string, tags: readonly Tag[]): Promise<void> {
  if (tags.length === 0) {
    if (!(await tx.get(C.tags, arn))) await tx.put(C.tags, arn, []);
    return;
  }
  const current = await tagList(tx, arn);
  const merged = new Map(current.map((t) => [t.key, t.value]));
  for (const t of tags) merged.set(t.key, t.value ?? '');
  if (merged.size > MAX_TAGS) throw tooMany(arn);
  await tx.put(
    C.tags,
    arn,
    [...merged].map(([key, value]) => ({ key, value })),
  );
}

/** @internal */
export async function deleteTags(tx: StorageTx, arn: string): Promise<void> {
  await tx.delete(C.tags, arn);
}

/** Throws unless `arn` names an existing state machine or activity. @internal */
export async function requireTaggable(ctx: SfnContext, arn: string): Promise<void> {
  const parsed = requireArn(arn, ['stateMachine', 'activity', 'execution', 'express', 'mapRun']);
  if (parsed.resourceType !== 'stateMachine' && parsed.resourceType !== 'activity') throw resourceNotFound(arn);
  if (parsed.resourceType === 'stateMachine' && parsed.parts.length > 1) throw resourceNotFound(arn);
  const collection = parsed.resourceType === 'stateMachine' ? C.stateMachines : C.activities;
  const exists = await ctx.store.transaction((tx) => tx.get(collection, arn));
  if (!exists) throw resourceNotFound(arn);
}

/** @internal */
export function tagOperations(ctx: SfnContext): Record<string, Operation> {
  return {
    async TagResource(input) {
      const arn = str(input, 'resourceArn') ?? '';
      await requireTaggable(ctx, arn);
      const tags = Array.isArray(input.tags) ? (input.tags as Tag[]) : [];
      await ctx.store.transaction((tx) => putTags(tx, arn, tags));
      return {};
    },

    async UntagResource(input) {
      const arn = str(input, 'resourceArn') ?? '';
      await requireTaggable(ctx, arn);
      const keys = new Set(Array.isArray(input.tagKeys) ? (input.tagKeys as string[]) : []);
      await ctx.store.transaction(async (tx) => {
        const current = await tagList(tx, arn);
        await tx.put(
          C.tags,
          arn,
          current.filter((t) => !keys.has(t.key)),
        );
      });
      return {};
    },

    async ListTagsForResource(input) {
      const arn = str(input, 'resourceArn') ?? '';
      await requireTaggable(ctx, arn);
      const tags = await ctx.store.transaction((tx) => tagList(tx, arn));
      return { tags };
    },
  };
}
