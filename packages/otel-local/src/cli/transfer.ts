/**
 * `otel-local export` and `otel-local import`: traces (spans and their log lines) as OTLP/JSON
 * files, through the query API's `/api/trace/{id}/otlp`, `/api/export` and `/api/import`.
 */
import { readFile } from 'node:fs/promises';
import type { ImportResponse } from '../api/viewer-types.js';
import type { QueryTarget } from './client.js';
import { getApiText, postApi } from './client.js';
import type { TraceFilters } from './filters.js';
import { summaryParams } from './filters.js';

/** A file that cannot be imported (unreadable, not JSON); the message names the file and what was expected. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** One trace as OTLP/JSON (`{resourceSpans, resourceLogs}`), the text exactly as the collector sends it. */
export function exportTrace({ url, token }: QueryTarget, traceId: string): Promise<string> {
  return getApiText(url, `/api/trace/${encodeURIComponent(traceId)}/otlp`, {}, token);
}

/** Every trace a search finds, as one OTLP/JSON document. */
export function exportSearch({ url, token }: QueryTarget, filters: TraceFilters): Promise<string> {
  return getApiText(url, '/api/export', summaryParams(filters), token);
}

/** Reads an OTLP/JSON file (`-` for stdin) and stores it in the collector. */
export async function importFile({ url, token }: QueryTarget, file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<ImportResponse> {
  let text: string;
  try {
    text = file === '-' ? await readAll(stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new ImportFileError(`cannot read ${file} (actual: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), expected an OTLP/JSON file such as otel-local export writes`);
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new ImportFileError(`${file} is not JSON (actual: ${(error as Error).message}), expected an OTLP/JSON file such as otel-local export writes`);
  }
  return postApi<ImportResponse>(url, '/api/import', text, token);
}

/** What an import stored, for people: counts, rejections, and where to look. */
export function describeImport(result: ImportResponse, viewerUrl: string): string {
  const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  const lines = [`Imported ${plural(result.spans, 'span')} and ${plural(result.logs, 'log record')} of ${plural(result.traceIds.length, 'trace')}.`];
  if (result.rejectedSpans || result.rejectedLogs) {
    lines.push(`Rejected: ${plural(result.rejectedSpans, 'span')}, ${plural(result.rejectedLogs, 'log record')}:`, ...result.errors.map((error) => `  ${error}`));
  }
  const base = viewerUrl.replace(/\/$/, '');
  for (const traceId of result.traceIds) lines.push(`  ${base}/trace/${traceId}`);
  return lines.join('\n');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk;
  return text;
}
