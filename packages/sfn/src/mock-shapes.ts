/**
 * TestState `mock.fieldValidationMode`: a mocked result is checked against the output shape of the API the
 * Task integrates with. `STRICT` (default): required fields present and present fields well-typed;
 * `PRESENT`: present fields only; `NONE`: nothing. Fields the API does not know are accepted in every mode
 * (AWS-recorded). Timestamps are strings in mocks.
 *
 * Only the output shapes of the commonly mocked integrations are listed; results of other resources pass.
 */

type Shape =
  | { readonly t: 'string'; readonly min?: number; readonly max?: number; readonly enum?: readonly string[] }
  | { readonly t: 'number'; readonly min?: number; readonly max?: number }
  | { readonly t: 'boolean' }
  | { readonly t: 'timestamp' }
  | { readonly t: 'blob'; readonly min?: number; readonly max?: number }
  | { readonly t: 'struct'; readonly members: Readonly<Record<string, Shape>>; readonly required?: readonly string[] }
  | { readonly t: 'list'; readonly member: Shape }
  | { readonly t: 'map'; readonly value: Shape }
  | { readonly t: 'any' };

const S: Shape = { t: 'string' };
const N: Shape = { t: 'number' };
const ANY: Shape = { t: 'any' };
const struct = (members: Record<string, Shape>, required?: string[]): Shape =>
  required ? { t: 'struct', members, required } : { t: 'struct', members };

const S3_STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
  'FSX_OPENZFS',
];

const CAPACITY = struct({ ReadCapacityUnits: N, WriteCapacityUnits: N, CapacityUnits: N });
const CONSUMED = struct({
  TableName: S,
  CapacityUnits: N,
  ReadCapacityUnits: N,
  WriteCapacityUnits: N,
  Table: CAPACITY,
  LocalSecondaryIndexes: { t: 'map', value: CAPACITY },
  GlobalSecondaryIndexes: { t: 'map', value: CAPACITY },
});

/** Output shapes by integration (resource without the `.sync` / `.waitForTaskToken` suffix). */
const SHAPES: Readonly<Record<string, Shape>> = {
  'lambda:invoke': struct({ StatusCode: N, FunctionError: S, LogResult: S, Payload: ANY, ExecutedVersion: S }),
  'states:startExecution': struct({ ExecutionArn: S, StartDate: { t: 'timestamp' } }, ['ExecutionArn', 'StartDate']),
  'events:putEvents': struct({
    FailedEntryCount: N,
    Entries: { t: 'list', member: struct({ EventId: S, ErrorCode: S, ErrorMessage: S }) },
  }),
  'dynamodb:putItem': struct({
    Attributes: { t: 'map', value: ANY },
    ConsumedCapacity: CONSUMED,
    ItemCollectionMetrics: ANY,
  }),
  'dynamodb:getItem': struct({ Item: { t: 'map', value: ANY }, ConsumedCapacity: CONSUMED }),
  'dynamodb:deleteItem': struct({
    Attributes: { t: 'map', value: ANY },
    ConsumedCapacity: CONSUMED,
    ItemCollectionMetrics: ANY,
  }),
  'dynamodb:updateItem': struct({
    Attributes: { t: 'map', value: ANY },
    ConsumedCapacity: CONSUMED,
    ItemCollectionMetrics: ANY,
  }),
  'sns:publish': struct({ MessageId: S, SequenceNumber: S }),
  'sqs:sendMessage': struct({
    MD5OfMessageBody: S,
    MD5OfMessageAttributes: S,
    MD5OfMessageSystemAttributes: S,
    MessageId: S,
    SequenceNumber: S,
  }),
  'aws-sdk:kms:encrypt': struct({
    CiphertextBlob: { t: 'blob', min: 1, max: 6144 },
    KeyId: { t: 'string', min: 1, max: 2048 },
    EncryptionAlgorithm: {
      t: 'string',
      enum: ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'],
    },
  }),
  'aws-sdk:lambda:getFunction': struct({
    Configuration: struct({
      FunctionName: { t: 'string', min: 1, max: 170 },
      FunctionArn: S,
      Runtime: S,
      Role: S,
      Handler: S,
      CodeSize: N,
      Description: S,
      Timeout: { t: 'number', min: 1 },
      MemorySize: { t: 'number', min: 128, max: 10240 },
      LastModified: S,
      CodeSha256: S,
      Version: S,
    }),
    Code: struct({ RepositoryType: S, Location: S, ImageUri: S, ResolvedImageUri: S }),
    Tags: { t: 'map', value: S },
    Concurrency: struct({ ReservedConcurrentExecutions: { t: 'number', min: 0 } }),
  }),
  'aws-sdk:s3:getObject': struct({
    Body: ANY,
    DeleteMarker: { t: 'boolean' },
    AcceptRanges: S,
    Expiration: S,
    Restore: S,
    LastModified: { t: 'timestamp' },
    ContentLength: N,
    ETag: S,
    ChecksumCRC32: S,
    MissingMeta: N,
    VersionId: S,
    CacheControl: S,
    ContentDisposition: S,
    ContentEncoding: S,
    ContentLanguage: S,
    ContentRange: S,
    ContentType: S,
    Metadata: { t: 'map', value: S },
    StorageClass: { t: 'string', enum: S3_STORAGE_CLASSES },
    PartsCount: N,
    TagCount: N,
  }),
};

function integrationOf(resource: string): string | undefined {
  const m = /^arn:[^:]+:states:::(.+)$/.exec(resource);
  if (!m) return undefined;
  return m[1]!.replace(/\.(sync(:2)?|waitForTaskToken)$/, '');
}

function check(shape: Shape, value: unknown, field: string, strict: boolean): string | undefined {
  switch (shape.t) {
    case 'any':
      return undefined;
    case 'string':
    case 'timestamp':
      if (typeof value !== 'string') return `Field '${field}' must be a string`;
      if (shape.t === 'string') {
        if (shape.enum && !shape.enum.includes(value)) return `Field '${field}' is not an expected value`;
        if (shape.min !== undefined && [...value].length < shape.min)
          return `Field '${field}' is smaller than the minimum length`;
        if (shape.max !== undefined && [...value].length > shape.max)
          return `Field '${field}' exceeds the maximum length`;
      }
      return undefined;
    case 'blob':
      if (typeof value !== 'string') return `Field '${field}' must be a string`;
      if (shape.min !== undefined && value.length < shape.min)
        return `Field '${field}' is smaller than the minimum length`;
      if (shape.max !== undefined && value.length > shape.max) return `Field '${field}' exceeds the maximum length`;
      return undefined;
    case 'number':
      if (typeof value !== 'number') return `Field '${field}' must be a number`;
      if (shape.min !== undefined && value < shape.min) return `Field '${field}' is less than the minimum value`;
      if (shape.max !== undefined && value > shape.max) return `Field '${field}' exceeds the maximum value`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `Field '${field}' must be a boolean`;
    case 'list': {
      if (!Array.isArray(value)) return `Field '${field}' must be an array`;
      for (const item of value) {
        const p = check(shape.member, item, field, strict);
        if (p) return p;
      }
      return undefined;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return `Field '${field}' must be an object`;
      for (const v of Object.values(value)) {
        const p = check(shape.value, v, field, strict);
        if (p) return p;
      }
      return undefined;
    }
    case 'struct': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return `Field '${field}' must be an object`;
      const obj = value as Record<string, unknown>;
      if (strict) {
        for (const r of shape.required ?? []) if (!(r in obj)) return `Required field '${r}' is missing`;
      }
      for (const [k, v] of Object.entries(obj)) {
        const member = shape.members[k];
        if (!member) continue;
        const p = check(member, v, k, strict);
        if (p) return p;
      }
      return undefined;
    }
  }
}

/**
 * The schema problem of a mocked result (`Field 'X' must be a number`, …), or `undefined` when it passes.
 * @internal
 */
export function validateMockResult(
  resource: string,
  value: unknown,
  mode: 'STRICT' | 'PRESENT' | 'NONE',
): string | undefined {
  if (mode === 'NONE') return undefined;
  const integration = integrationOf(resource);
  const shape = integration !== undefined ? SHAPES[integration] : undefined;
  if (!shape) return undefined;
  return check(shape, value, '', mode === 'STRICT');
}
