import { RequestContextUnavailableError, getRequestContext } from 'next-request-context';

/** What getRequestContext() does here: `available`, or the error's name and reason. */
function probe(): string {
  try {
    getRequestContext();
    return 'available';
  } catch (error) {
    return error instanceof RequestContextUnavailableError ? `${error.name}-${error.reason}` : 'unexpected-error';
  }
}

// Evaluated when the module loads: at build time, outside any request.
const atModuleScope = probe();

/** Runs during `next build`; its answer becomes the only path of this page. */
export function generateStaticParams(): Array<{ probe: string }> {
  return [{ probe: probe() }];
}

/** Prerendered by `next build`: shows what the context looked like at build time. */
export default async function BuildTimePage({ params }: { params: Promise<{ probe: string }> }) {
  const { probe: inGenerateStaticParams } = await params;
  return (
    <main>
      <h1>Outside a request</h1>
      <section data-testid="build-time" data-generate-static-params={inGenerateStaticParams} data-module-scope={atModuleScope} data-prerender={probe()}>
        generateStaticParams: {inGenerateStaticParams}; module scope: {atModuleScope}; prerender: {probe()}
      </section>
    </main>
  );
}
