/**
 * A store file written before scopes kept their dropped attribute count (schema version 2 without
 * `scopes.dropped_attributes_count`) opens without loss: the column is added in place, the old
 * data stays readable, and new scopes keep the count.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../packages/otel-local/src/store/schema';
import { openSqlite } from '../../packages/otel-local/src/store/sqlite';
import { getJson, post, startTestCollector } from './helpers';

let directory: string;
before(() => {
  directory = mkdtempSync(join(tmpdir(), 'store-upgrade-'));
});
after(() => rmSync(directory, { recursive: true, force: true }));

const span = (traceId: string, scopeDropped: number) => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'old' } }] },
      scopeSpans: [
        {
          scope: { name: 'lib', droppedAttributesCount: scopeDropped },
          spans: [{ traceId, spanId: '0000000000000001', name: 'op', kind: 1, startTimeUnixNano: '1714557600000000000', endTimeUnixNano: '1714557600000000001' }],
        },
      ],
    },
  ],
});

describe('store upgrade', () => {
  it('adds scopes.dropped_attributes_count to an older file and keeps what it held', async () => {
    const dbPath = join(directory, 'telemetry.sqlite');
    // An older file: written by the collector, then without the column (as before it existed).
    const first = await startTestCollector({ dbPath });
    assert.equal((await post(`${first.otlpUrl}/v1/traces`, JSON.stringify(span('a'.repeat(32), 0)), { 'Content-Type': 'application/json' })).status, 200);
    await first.close();
    const raw = openSqlite(dbPath);
    raw.exec('ALTER TABLE scopes DROP COLUMN dropped_attributes_count');
    raw.close();

    openDatabase(dbPath).close();
    const reopened = openSqlite(dbPath);
    const columns = reopened.prepare("SELECT name FROM pragma_table_info('scopes')").pluck().all() as string[];
    reopened.close();
    assert.ok(columns.includes('dropped_attributes_count'), `columns: ${columns.join(', ')}`);

    const collector = await startTestCollector({ dbPath });
    try {
      const old = await getJson(`${collector.queryUrl}/api/v3/traces/${'a'.repeat(32)}`);
      assert.deepEqual(old.body.result.resourceSpans[0].scopeSpans[0].scope, { name: 'lib' });
      assert.equal((await post(`${collector.otlpUrl}/v1/traces`, JSON.stringify(span('b'.repeat(32), 3)), { 'Content-Type': 'application/json' })).status, 200);
      const fresh = await getJson(`${collector.queryUrl}/api/v3/traces/${'b'.repeat(32)}`);
      assert.deepEqual(fresh.body.result.resourceSpans[0].scopeSpans[0].scope, { name: 'lib', droppedAttributesCount: 3 });
    } finally {
      await collector.close();
    }
  });
});
