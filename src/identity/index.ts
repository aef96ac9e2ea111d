export { forwardVerifiedUser } from './proxy';
export { TrustedUserPropagator } from './trusted-user-propagator';
export type { TrustedUserPropagatorOptions } from './trusted-user-propagator';
export { USER_HEADER } from './user-token';
export { SECRET_ENV } from './secret';
