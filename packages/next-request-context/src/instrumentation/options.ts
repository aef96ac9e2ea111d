import type { Configuration } from '../settings/configuration.js';

/**
 * Options of `register()`. Each one overrides its environment variable (see `Configuration` for
 * the variables and defaults); leave them out to configure everything by environment.
 */
export type RegisterOptions = Partial<Configuration>;

export type { Configuration } from '../settings/configuration.js';
export { ConfigurationError } from '../settings/error.js';
