/**
 * `otel-local mcp`: the built bin spawned by the MCP SDK's own client over stdio, answering from a
 * real collector that the real OTLP exporters fed (test/mcp/fixtures.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { closedPortUrl, startTestCollector } from '../collector/helpers';
import { callTool, connectMcp, MCP_BIN } from './client';
import { sendFixture, sendSlowerOrders } from './fixtures';
import type { Fixture } from './fixtures';

let collector: RunningCollector;
let fixture: Fixture;
let client: Client;

before(async () => {
  collector = await startTestCollector();
  fixture = await sendFixture(collector.otlpUrl);
  client = await connectMcp(process.execPath, [MCP_BIN, 'mcp', '--url', collector.queryUrl]);
});
after(async () => {
  await client?.close();
  await collector?.close();
});

describe('otel-local mcp', () => {
  it('lists its nine tools, each with a description and an input schema', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), [
      'compare_traces', 'get_critical_path', 'get_service_graph', 'get_trace', 'get_trace_stats', 'list_operations', 'list_services', 'search_logs', 'search_traces',
    ]);
    for (const tool of tools) {
      assert.ok(tool.description && tool.description.length > 20, `${tool.name} has a description`);
      assert.equal(tool.inputSchema.type, 'object');
      assert.equal(tool.annotations?.readOnlyHint, true);
    }
    const search = tools.find((tool) => tool.name === 'search_traces')!;
    assert.deepEqual(Object.keys(search.inputSchema.properties ?? {}).sort(), [
      'attributes', 'errorsOnly', 'hideStatic', 'limit', 'lookbackMinutes', 'maxDuration', 'minDuration', 'operation', 'service', 'user',
    ]);
  });

  it('list_services and list_operations', async () => {
    assert.deepEqual(await callTool(client, 'list_services'), { text: 'inventory\nshop', isError: false });
    const { text } = await callTool(client, 'list_operations', { service: 'inventory' });
    assert.equal(text, 'GET /stock  (server)');
  });

  it('search_traces: the viewer filters, static assets hidden unless hideStatic is false, a note when cut off', async () => {
    const byUser = await callTool(client, 'search_traces', { user: 'alice' });
    const lines = byUser.text.split('\n');
    assert.equal(lines[0], '1 trace, newest first:');
    assert.match(lines[1]!, /^START \(UTC\)\s+DURATION\s+SPANS\s+ERRORS\s+SERVICE\s+OPERATION\s+ENTRY\s+USER\s+TRACE ID$/);
    assert.match(lines[2]!, new RegExp(`^2023-11-14T22:13:20.000Z\\s+1 s\\s+5\\s+1\\s+shop\\s+GET /orders\\s+page\\s+alice\\s+${fixture.pageTraceId}$`));
    assert.equal(lines.length, 3);

    const idsOf = (text: string) => [...text.matchAll(/\b[0-9a-f]{32}\b/g)].map((match) => match[0]);
    assert.deepEqual(idsOf((await callTool(client, 'search_traces')).text), [fixture.bigTraceId, fixture.pageTraceId]);
    assert.deepEqual(idsOf((await callTool(client, 'search_traces', { hideStatic: false })).text), [fixture.bigTraceId, fixture.staticTraceId, fixture.pageTraceId]);
    assert.deepEqual(idsOf((await callTool(client, 'search_traces', { hideStatic: true })).text), [fixture.bigTraceId, fixture.pageTraceId]);
    assert.deepEqual(idsOf((await callTool(client, 'search_traces', { errorsOnly: true })).text), [fixture.pageTraceId]);
    assert.deepEqual(idsOf((await callTool(client, 'search_traces', { attributes: { 'db.system': 'postgresql' } })).text), [fixture.pageTraceId]);
    assert.deepEqual(idsOf((await callTool(client, 'search_traces', { minDuration: '600ms', maxDuration: '2s' })).text), [fixture.pageTraceId]);
    assert.deepEqual(idsOf((await callTool(client, 'search_traces', { service: 'inventory', operation: 'GET /stock' })).text), [fixture.pageTraceId]);
    assert.deepEqual(await callTool(client, 'search_traces', { minDuration: '5s' }), { text: 'No traces found.', isError: false });
    // The fixture's traces started in 2023: none in the last hour.
    assert.deepEqual(await callTool(client, 'search_traces', { lookbackMinutes: 60 }), { text: 'No traces found.', isError: false });

    const cut = await callTool(client, 'search_traces', { limit: 1 });
    assert.deepEqual(idsOf(cut.text), [fixture.bigTraceId]);
    assert.match(cut.text, /\n\[truncated: more traces matched; the newest 1 are shown\. Narrow the filters or raise limit \(max 200\)\.\]$/);
  });

  it('search_traces: a bad filter is a tool error saying what was expected', async () => {
    assert.deepEqual(await callTool(client, 'search_traces', { minDuration: 'soon' }), {
      text: 'minimum duration is not a duration (actual: soon), expected e.g. 250ms, 1.5s or 800us',
      isError: true,
    });
    const outOfRange = await callTool(client, 'search_traces', { limit: 201 });
    assert.equal(outOfRange.isError, true);
    assert.match(outOfRange.text, /limit/);
  });

  it('get_trace: the compact tree with span ids, the exception and the log lines in place', async () => {
    const { text, isError } = await callTool(client, 'get_trace', { traceId: fixture.pageTraceId });
    assert.equal(isError, false);
    const { root, load, stock, select, render } = fixture.spanIds;
    const lines = text.split('\n');
    assert.equal(lines[0], `Trace ${fixture.pageTraceId}  5 spans, 1 error, 2 services, 2 logs, started 2023-11-14T22:13:20.000Z, user alice`);
    assert.deepEqual(lines.slice(1, 7), [
      `GET /orders  [shop]  1 s  (+0 ns)  span=${root}`,
      `├─ load orders  [shop]  650 ms  (+50 ms)  span=${load}`,
      '│  │  • 22:13:20.055Z INFO  loading orders',
      `│  ├─ GET /stock  [inventory]  30 ms  (+60 ms)  span=${stock}`,
      `│  └─ SELECT orders  [shop]  550 ms  (+100 ms)  ERROR db timeout  span=${select}`,
      '│        ! Error: db timeout',
    ]);
    assert.match(lines[7]!, /^│ {12}at sendFixture \(.*fixtures\.ts:\d+:\d+\)$/, 'the top frame of the stack');
    assert.equal(lines.at(-2), '│        • 22:13:20.645Z ERROR query failed');
    assert.equal(lines.at(-1), `└─ render  [shop]  230 ms  (+720 ms)  span=${render}`);
  });

  it('get_trace with a spanId: that span in full with its log line', async () => {
    const { text } = await callTool(client, 'get_trace', { traceId: fixture.pageTraceId, spanId: fixture.spanIds.select });
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 9), [
      `Span SELECT orders  [shop]  client  span=${fixture.spanIds.select}  parent=${fixture.spanIds.load}`,
      '  started 2023-11-14T22:13:20.100Z, took 550 ms, status error: db timeout',
      '  scope mcp-test 1.0.0',
      '  attributes:',
      '    db.system = "postgresql"',
      '  resource:',
      '    service.name = "shop"',
      '  events:',
      '    +540 ms exception',
    ]);
    assert.ok(lines.includes('      exception.message = "db timeout"'));
    assert.equal(lines.at(-1), `    2023-11-14T22:13:20.645Z ERROR shop  query failed  user=alice  trace=${fixture.pageTraceId} span=${fixture.spanIds.select}`);

    const missing = await callTool(client, 'get_trace', { traceId: fixture.pageTraceId, spanId: 'ab'.repeat(8) });
    assert.deepEqual(missing, {
      text: `span abababababababab is not in trace ${fixture.pageTraceId} (actual: 5 spans), expected one of the span= ids that get_trace lists`,
      isError: true,
    });
  });

  it('get_trace: unknown and malformed ids are tool errors with the API message', async () => {
    assert.deepEqual(await callTool(client, 'get_trace', { traceId: 'f'.repeat(32) }), { text: `trace ${'f'.repeat(32)} not found (no spans or logs with this id)`, isError: true });
    assert.deepEqual(await callTool(client, 'get_trace', { traceId: 'nope' }), { text: 'malformed trace id (actual: "nope"), expected 32 hex characters', isError: true });
  });

  it('get_trace of a trace too big for one result: cut at a line, with a note', async () => {
    const { text } = await callTool(client, 'get_trace', { traceId: fixture.bigTraceId });
    const lines = text.split('\n');
    const note = lines.at(-1)!;
    const match = /^\[truncated: showing (\d+) of (\d+) lines \(at most 20000 characters\); ask get_trace with a spanId for one span, or search_logs with this traceId for the log lines\]$/.exec(note);
    assert.ok(match, note);
    assert.equal(Number(match[2]), fixture.bigSpanCount + 1, 'the header and one line per span');
    assert.equal(Number(match[1]), lines.length - 1);
    assert.ok(text.length - note.length <= 20_000, `the kept lines fit the bound (actual: ${text.length - note.length})`);
    assert.match(lines[1]!, /^GET \/report {2}\[shop\]/);
  });

  it('search_logs: by trace, user, level and text, with a note when older lines are left out', async () => {
    const byTrace = await callTool(client, 'search_logs', { traceId: fixture.pageTraceId });
    assert.deepEqual(byTrace.text.split('\n'), [
      `2023-11-14T22:13:20.055Z INFO  shop  loading orders  user=alice  trace=${fixture.pageTraceId} span=${fixture.spanIds.load}`,
      `2023-11-14T22:13:20.645Z ERROR shop  query failed  user=alice  trace=${fixture.pageTraceId} span=${fixture.spanIds.select}`,
    ]);
    assert.match((await callTool(client, 'search_logs', { user: 'alice', level: 'error' })).text, /^\S+ ERROR shop {2}query failed /);
    assert.match((await callTool(client, 'search_logs', { text: 'loading' })).text, /^\S+ INFO {2}shop {2}loading orders /);
    assert.equal((await callTool(client, 'search_logs', { user: 'bob' })).text, 'No logs found.');
    const cut = await callTool(client, 'search_logs', { traceId: fixture.pageTraceId, limit: 1 });
    assert.deepEqual(cut.text.split('\n'), [
      '[truncated: more lines matched; the newest 1 are shown. Narrow the search or raise limit (max 1000).]',
      `2023-11-14T22:13:20.645Z ERROR shop  query failed  user=alice  trace=${fixture.pageTraceId} span=${fixture.spanIds.select}`,
    ]);
  });

  it('get_critical_path: the segments in time order and the time per span, most first', async () => {
    const { root, load, stock, select, render } = fixture.spanIds;
    const { text } = await callTool(client, 'get_critical_path', { traceId: fixture.pageTraceId });
    assert.deepEqual(text.split('\n'), [
      `Critical path of trace ${fixture.pageTraceId}: 9 segments covering 1 s of the trace's 1 s`,
      'Segments (offset from the trace start, length, span):',
      `  +0 ns      50 ms     GET /orders  [shop]  span=${root}`,
      `  +50 ms     10 ms     load orders  [shop]  span=${load}`,
      `  +60 ms     30 ms     GET /stock  [inventory]  span=${stock}`,
      `  +90 ms     10 ms     load orders  [shop]  span=${load}`,
      `  +100 ms    550 ms    SELECT orders  [shop]  ERROR  span=${select}`,
      `  +650 ms    50 ms     load orders  [shop]  span=${load}`,
      `  +700 ms    20 ms     GET /orders  [shop]  span=${root}`,
      `  +720 ms    230 ms    render  [shop]  span=${render}`,
      `  +950 ms    50 ms     GET /orders  [shop]  span=${root}`,
      'Time on the critical path by span, most first:',
      `  550 ms    SELECT orders  [shop]  ERROR  span=${select}`,
      `  230 ms    render  [shop]  span=${render}`,
      `  120 ms    GET /orders  [shop]  span=${root}`,
      `  70 ms     load orders  [shop]  span=${load}`,
      `  30 ms     GET /stock  [inventory]  span=${stock}`,
    ]);
  });

  it('get_service_graph: services and the calls between them over a window', async () => {
    const window = { startMs: 1_700_000_000_000, endMs: 1_700_000_010_000 };
    const { text } = await callTool(client, 'get_service_graph', window);
    assert.deepEqual(text.split('\n'), [
      'Service graph from 2023-11-14T22:13:20.000Z to 2023-11-14T22:13:30.000Z',
      'Services:',
      '  inventory  1 span, 0 errors',
      `  shop  ${fixture.bigSpanCount + 5} spans, 1 error`,
      'Calls (parent -> child):',
      '  shop -> inventory  1 call, 0 failed, p95 30 ms',
    ]);
    const before = await callTool(client, 'get_service_graph', { startMs: 1_600_000_000_000, endMs: 1_600_000_001_000 });
    assert.equal(before.text, 'No spans started from 2020-09-13T12:26:40.000Z to 2020-09-13T12:26:41.000Z.');
    const lastMinutes = await callTool(client, 'get_service_graph', { endMs: 1_700_000_010_000, lookbackMinutes: 1 });
    assert.equal(lastMinutes.text.split('\n')[0], 'Service graph from 2023-11-14T22:12:30.000Z to 2023-11-14T22:13:30.000Z');
  });

  it('get_trace_stats: per operation, self time first, as the viewer computes it', async () => {
    const { text } = await callTool(client, 'get_trace_stats', { traceId: fixture.pageTraceId });
    assert.deepEqual(text.split('\n'), [
      `Operations of trace ${fixture.pageTraceId}, most self time first:`,
      'SELF      TOTAL     COUNT  MIN       P50       MAX       OPERATION [SERVICE]',
      '550 ms    550 ms    1      550 ms    550 ms    550 ms    SELECT orders [shop]',
      '230 ms    230 ms    1      230 ms    230 ms    230 ms    render [shop]',
      '120 ms    1 s       1      1 s       1 s       1 s       GET /orders [shop]',
      '70 ms     650 ms    1      650 ms    650 ms    650 ms    load orders [shop]',
      '30 ms     30 ms     1      30 ms     30 ms     30 ms     GET /stock [inventory]',
    ]);
  });

  it('compare_traces: a fast and a slow request of one route, span by span', async () => {
    const slowTraceId = await sendSlowerOrders(collector.otlpUrl);
    const { text, isError } = await callTool(client, 'compare_traces', { traceIdA: fixture.pageTraceId, traceIdB: slowTraceId });
    assert.equal(isError, false, text);
    assert.deepEqual(text.split('\n'), [
      `Trace A ${fixture.pageTraceId} took 1 s; trace B ${slowTraceId} took 2 s (+1 s).`,
      'Spans matched by their path of operation names: 3 slower, 0 faster, 1 the same, 1 added (only in B), 1 missing (only in A).',
      'GET /orders  slower  1 s -> 2 s  (+1 s)',
      '  load orders  slower  650 ms -> 1.65 s  (+1 s)',
      '    GET /stock  missing  30 ms (only in A)',
      '    cache lookup  added  35 ms (only in B)',
      '    SELECT orders  slower  550 ms -> 1.55 s  (+1 s)',
      '  render  same  230 ms',
    ]);
    const reversed = await callTool(client, 'compare_traces', { traceIdA: slowTraceId, traceIdB: fixture.pageTraceId });
    assert.match(reversed.text, /took 2 s; trace B \w+ took 1 s \(-1 s\)\.\n.*3 faster, 1 the same, 1 added \(only in B\), 1 missing \(only in A\)/);
    assert.deepEqual(await callTool(client, 'compare_traces', { traceIdA: fixture.pageTraceId, traceIdB: 'e'.repeat(32) }), {
      text: `trace ${'e'.repeat(32)} not found (no spans or logs with this id)`,
      isError: true,
    });
  });

  it('sends --token (or COLLECTOR_TOKEN) to a collector that requires one; without it the 401 is the tool error', async () => {
    const token = 'mcp-test-token-0123456789';
    const guarded = await startTestCollector({ token });
    const clients: Client[] = [];
    try {
      clients.push(await connectMcp(process.execPath, [MCP_BIN, 'mcp', '--url', guarded.queryUrl, '--token', token]));
      clients.push(await connectMcp(process.execPath, [MCP_BIN, 'mcp', '--url', guarded.queryUrl], { COLLECTOR_TOKEN: token }));
      clients.push(await connectMcp(process.execPath, [MCP_BIN, 'mcp', '--url', guarded.queryUrl]));
      const [withFlag, withEnv, without] = clients;
      assert.deepEqual(await callTool(withFlag!, 'list_services'), { text: 'No services yet: nothing has sent spans to the collector.', isError: false });
      assert.equal((await callTool(withEnv!, 'list_services')).isError, false);
      const refused = await callTool(without!, 'list_services');
      assert.equal(refused.isError, true);
      assert.match(refused.text, /^missing token \(actual: none\), expected Authorization: Bearer <token>/);
    } finally {
      await Promise.all(clients.map((each) => each.close()));
      await guarded.close();
    }
  });

  it('says clearly, as a tool error, when the collector is not running', async () => {
    const url = await closedPortUrl();
    const orphan = await connectMcp(process.execPath, [MCP_BIN, 'mcp', '--url', url]);
    try {
      const { text, isError } = await callTool(orphan, 'list_services');
      assert.equal(isError, true);
      assert.equal(text, `the embedded collector is not running at ${url} (start it with \`npx otel-local start\` or \`npm run collector\`, or point --url / COLLECTOR_URL at a running one)`);
    } finally {
      await orphan.close();
    }
  });
});
