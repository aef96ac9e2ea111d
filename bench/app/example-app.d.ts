/**
 * For the repository's type check only (tsconfig.json includes bench/**): files in
 * bench/app/variants/<name>/ are written as files of the example app, so their imports of the
 * app's own modules (`./app/...`) resolve once copied into bench/.apps/<name>/, where `next build`
 * type-checks them against the real modules, but not where they are stored. These declarations
 * give such imports the types of the example's modules; add one per app module a variant imports.
 */
declare module '*/app/_auth/session' {
  export const SESSION_COOKIE: typeof import('../../examples/demo/app/_auth/session').SESSION_COOKIE;
  export const verifySession: typeof import('../../examples/demo/app/_auth/session').verifySession;
}
