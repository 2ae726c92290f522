/**
 * Model-driven request validation for the awsJson1_0 services: Coral-exact `ValidationException`
 * and `SerializationException` messages, and the generated SFN / SWF service models it runs on.
 *
 * @see https://smithy.io/2.0/spec/constraint-traits.html
 * @packageDocumentation
 */
export type {
  MemberModel,
  OperationModel,
  PaginatorModel,
  ServiceModel,
  ShapeModel,
  ShapeType,
} from '../models/service-model.js';
export { sfnModel } from '../models/sfn-model.generated.js';
export type { SfnOperations } from '../models/sfn-types.generated.js';
export { swfModel } from '../models/swf-model.generated.js';
export type { SwfOperations } from '../models/swf-types.generated.js';
export type { CoerceInputOptions, ValidationResult } from './validate.js';
export { checkTypes, coerceInput, formatValidationMessage, validateInput } from './validate.js';
