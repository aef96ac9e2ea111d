/** Building MCP tool results. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A successful tool result of one text block. */
export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}
