export { getRequestContext, tryGetRequestContext } from './request-context';
export type { RequestContext } from './request-context';
export { runWithRequestContext } from './run';
export type { RequestContextInit } from './run';
export { RequestContextUnavailableError } from './errors';
export { USER_ID_BAGGAGE_KEY } from './keys';
