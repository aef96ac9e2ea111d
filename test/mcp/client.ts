/** An MCP client for the tests: the SDK's own Client and stdio transport, spawning the server as an agent's host would. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

/** The package's bin (runs the built dist/cli.js), as `npx otel-local` runs it. */
export const MCP_BIN = fileURLToPath(new URL('../../packages/otel-local/bin/otel-local.js', import.meta.url));

/** Starts an MCP server (`command args`, in `cwd`) through the SDK's stdio transport and connects a client. */
export async function connectMcp(command: string, args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Client> {
  const transport = new StdioClientTransport({ command, args, env: { ...getDefaultEnvironment(), ...env }, stderr: 'pipe', cwd });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => (stderr += chunk));
  const client = new Client({ name: 'otel-local-test', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`MCP server did not start: ${(error as Error).message}; stderr: ${stderr}`);
  }
  return client;
}

/** Calls a tool and returns its text and whether it is an error result. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as Array<{ type: string; text: string }>;
  assert.equal(content.length, 1);
  assert.equal(content[0]!.type, 'text');
  return { text: content[0]!.text, isError: result.isError === true };
}
