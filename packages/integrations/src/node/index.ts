/**
 * @statecraft/integrations/node — Node-only helpers: Step Functions Local's environment variables
 * (`SFN_MOCK_CONFIG` is a file path read here). Kept off the main entry so that browser bundles of
 * Statecraft never see a `node:` import.
 * @packageDocumentation
 */
export type { IntegrationEnvOptions } from '../env.js';
export { integrationOptionsFromEnv } from '../env.js';
