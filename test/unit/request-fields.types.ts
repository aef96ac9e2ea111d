/**
 * Type test (checked by `npx tsc --noEmit -p tsconfig.json`, never run): an app's `RequestFields`
 * declared by module augmentation types `getRequestContext().fields`, `forwardVerifiedUser` and
 * `runWithRequestContext`. The augmentation names the source entry here; an app names
 * 'next-request-context', which resolves to the same declarations.
 */
import type { NextRequest } from 'next/server';
import { forwardVerifiedUser, getRequestContext, runWithRequestContext } from '../../packages/next-request-context/src/index';

declare module '../../packages/next-request-context/src/index' {
  interface RequestFields {
    tenantId: string;
    plan?: 'free' | 'pro';
  }
}

export function typed(request: NextRequest): void {
  const { fields } = getRequestContext();
  const tenant: string | undefined = fields.tenantId;
  const plan: 'free' | 'pro' | undefined = fields.plan;
  // @ts-expect-error a field may be absent (anonymous request, route outside the matcher)
  const sure: string = fields.tenantId;
  // @ts-expect-error tenantId is a string, not a number
  const wrong: number | undefined = fields.tenantId;
  // @ts-expect-error undeclared fields do not exist
  void fields.region;
  // @ts-expect-error fields are read-only
  fields.tenantId = 'other';
  void [tenant, plan, sure, wrong];

  forwardVerifiedUser(request, 'u-1');
  forwardVerifiedUser(request, undefined);
  forwardVerifiedUser(request, { userId: 'u-1', fields: { tenantId: 'acme', plan: 'pro' } });
  forwardVerifiedUser(request, { userId: 'u-1' });
  // @ts-expect-error tenantId is required by the declaration
  forwardVerifiedUser(request, { userId: 'u-1', fields: { plan: 'pro' } });
  // @ts-expect-error tenantId is a string
  forwardVerifiedUser(request, { userId: 'u-1', fields: { tenantId: 42 } });
  // @ts-expect-error plan is 'free' or 'pro'
  forwardVerifiedUser(request, { userId: 'u-1', fields: { tenantId: 'acme', plan: 'gold' } });
  // @ts-expect-error undeclared fields are refused
  forwardVerifiedUser(request, { userId: 'u-1', fields: { tenantId: 'acme', region: 'eu' } });

  runWithRequestContext({ userId: 'u-1', fields: { plan: 'free' } }, () => undefined);
  // @ts-expect-error tenantId is a string
  runWithRequestContext({ userId: 'u-1', fields: { tenantId: true } }, () => undefined);
}
