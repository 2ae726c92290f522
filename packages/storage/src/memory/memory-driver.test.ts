import { describeStorageDriver } from '../testing/describe-storage-driver.js';
import { createMemoryDriver } from './memory-driver.js';

describeStorageDriver('memory', () => createMemoryDriver());
