/**
 * Imported first by the CLI: turns off the AWS SDK's Node-version notice (emitted when the first client is
 * created), which is noise in conformance output.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
