/**
 * The collector's source folders depend on each other in one direction only (the packaging test
 * forbids cycles; this pins down which way each dependency goes). From the bottom up:
 * shared, protobuf, settings -> otlp -> analysis (pure trace analysis) -> api (response types), store -> encode
 * (OTLP JSON of stored data), http (plumbing) ->
 * jaeger, receiver, query (the handlers) -> cli -> mcp; the root files (index, main, cli, config, ports)
 * compose them. The store knows nothing about HTTP or the API shapes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { folderGraph, importGraph } from '../packaging/import-graph';

const SRC = fileURLToPath(new URL('../../packages/otel-local/src/', import.meta.url));

/** Folder -> the folders it may import. The root (`.`) may import any. */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  protobuf: [],
  settings: [],
  otlp: ['protobuf'],
  analysis: ['otlp', 'shared'],
  api: ['analysis', 'otlp', 'shared'],
  store: ['analysis', 'otlp', 'shared'],
  encode: ['store'],
  http: ['api', 'shared'],
  jaeger: ['api', 'encode', 'http', 'otlp', 'store'],
  receiver: ['api', 'http', 'otlp', 'shared', 'store'],
  query: ['analysis', 'api', 'encode', 'http', 'jaeger', 'otlp', 'shared', 'store'],
  cli: ['analysis', 'api', 'shared'],
  mcp: ['analysis', 'api', 'cli', 'shared'],
};

describe('otel-local source layers', () => {
  const graph = folderGraph(importGraph(SRC));

  it('every folder is a known layer', () => {
    assert.deepEqual([...graph.keys()].filter((folder) => folder !== '.' && !(folder in ALLOWED)), []);
  });

  it('each folder imports only from the layers below it, never from the root files', () => {
    const wrong = [...graph].flatMap(([folder, targets]) => (folder === '.' ? [] : targets.filter((target) => !ALLOWED[folder]?.includes(target)).map((target) => `${folder} -> ${target}`)));
    assert.deepEqual(wrong, []);
  });
});
