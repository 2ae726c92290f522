/**
 * @statecraft/storage/testing — the contract suite every storage driver must pass.
 * @packageDocumentation
 */
export { describeStorageDriver } from './describe-storage-driver.js';
