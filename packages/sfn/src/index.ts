/**
 * @statecraft/sfn — the AWS Step Functions operations over a Statecraft store, driving the interpreter.
 * @packageDocumentation
 */
export type { ParsedArn, SfnResourceType } from './arns.js';
export { activityArn, executionArn, parseArn, partitionOf, stateMachineArn } from './arns.js';
export { isValidName } from './names.js';
export type { SfnService, SfnServiceOptions } from './service.js';
export { createSfnService } from './service.js';
