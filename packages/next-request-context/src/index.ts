/**
 * `next-request-context`: the request's context from any server module, in every runtime (Server
 * Components, Route Handlers, Server Actions, `after()`, the proxy, edge). This file is the whole
 * public API of the root entry; the logger is `next-request-context/log` (nodejs) and the
 * bootstrap for `instrumentation.ts` is `next-request-context/instrumentation`.
 */
export { getRequestContext, tryGetRequestContext } from './context/request-context.js';
export type { RequestContext } from './context/request-context.js';
export { runWithRequestContext } from './context/run.js';
export type { RequestContextInit } from './context/run.js';
export { RequestContextUnavailableError } from './context/errors.js';
export type { RequestContextUnavailableReason } from './context/errors.js';
export { forwardVerifiedUser } from './identity/proxy.js';
export type { VerifiedUser } from './identity/proxy.js';
export type { RequestFields, RequestFieldValue } from './context/fields.js';
