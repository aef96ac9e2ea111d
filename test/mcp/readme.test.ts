/**
 * The README's MCP section by its literal values: the client configuration snippet, run exactly as
 * an MCP client runs it (`npx otel-local mcp`, the collector found through COLLECTOR_URL), the
 * tool table against the server's tools, and the documented result bound.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { MAX_RESULT_CHARS } from '../../packages/otel-local/src/mcp/bounded';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { startTestCollector } from '../collector/helpers';
import { callTool, connectMcp } from './client';
import { sendFixture } from './fixtures';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(new URL('../../packages/otel-local/README.md', import.meta.url), 'utf8');
const SECTION = README.slice(README.indexOf('## MCP server for coding agents'));

let collector: RunningCollector;
let client: Client;

before(async () => {
  collector = await startTestCollector();
  await sendFixture(collector.otlpUrl);
});
after(async () => {
  await client?.close();
  await collector?.close();
});

describe('README: MCP server for coding agents', () => {
  it('the configuration snippet starts a working server', async () => {
    const snippet = /```json\n(.+)\n```/.exec(SECTION)?.[1];
    assert.equal(snippet, '{"mcpServers":{"otel-local":{"command":"npx","args":["otel-local","mcp"]}}}');
    const { command, args } = JSON.parse(snippet!).mcpServers['otel-local'];
    // As an MCP client runs it in a project where otel-local is installed (here: the workspace root).
    client = await connectMcp(command, args, { COLLECTOR_URL: collector.queryUrl }, ROOT);
    assert.deepEqual(await callTool(client, 'list_services'), { text: 'inventory\nshop', isError: false });
  });

  it('the tool table lists exactly the tools and search_traces parameters the server has', async () => {
    const rows = [...SECTION.matchAll(/^\| `(\w+)` \| (.+) \|$/gm)];
    const { tools } = await client.listTools();
    assert.deepEqual(rows.map((row) => row[1]).sort(), tools.map((tool) => tool.name).sort());
    const searchRow = rows.find((row) => row[1] === 'search_traces')![2]!;
    const documented = [...searchRow.matchAll(/`([a-zA-Z]\w*)`/g)].map((match) => match[1]).sort();
    const schema = Object.keys(tools.find((tool) => tool.name === 'search_traces')!.inputSchema.properties ?? {}).sort();
    assert.deepEqual(documented, schema);
  });

  it('documents the result bound the server applies', () => {
    assert.ok(SECTION.includes(`at most ${MAX_RESULT_CHARS.toLocaleString('en-US')} characters`), `README names ${MAX_RESULT_CHARS}`);
  });
});
