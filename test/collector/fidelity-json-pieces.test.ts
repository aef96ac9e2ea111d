/**
 * JSON parsed in pieces (otlp/json-pieces.ts) must give exactly what `JSON.parse` gives: the same
 * values (-0 included), key order and duplicate handling, and refuse what `JSON.parse` refuses.
 * Checked with tiny pieces (so every container is split) on OTLP bodies from the official
 * serializers, hand-written edge cases and the fuzz suite's JSON mutations; and the request's
 * lists are counted while parsing, so a body of empty groups stops at the limit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOGS_LISTS, parseInPieces, TRACE_LISTS } from '../../packages/otel-local/src/otlp/json-pieces';
import { limitMessage, REQUEST_LIMITS } from '../../packages/otel-local/src/otlp/limits';
import { OtlpDecodeError } from '../../packages/otel-local/src/otlp/errors';
import { runSync } from '../../packages/otel-local/src/otlp/steps';
import { fuzzCase } from '../fuzz/cases';
import { buildCorpus } from '../fuzz/corpus';
import { Random } from '../fuzz/random';

const NO_CONTAINER_LIMIT = { name: 'containers', max: Number.MAX_SAFE_INTEGER };

/**
 * JSON text of a value with its key order and -0 kept, built without recursion (the cases nest
 * thousands of levels deep, beyond what JSON.stringify or assert.deepStrictEqual can walk).
 */
function canonical(root: unknown): string {
  const out: string[] = [];
  const stack: Array<{ text: string } | { value: unknown }> = [{ value: root }];
  while (stack.length > 0) {
    const task = stack.pop()!;
    if ('text' in task) {
      out.push(task.text);
      continue;
    }
    const value = task.value;
    if (Array.isArray(value)) {
      out.push('[');
      stack.push({ text: ']' });
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i] });
        if (i > 0) stack.push({ text: ',' });
      }
    } else if (value !== null && typeof value === 'object') {
      out.push('{');
      stack.push({ text: '}' });
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (value as Record<string, unknown>)[keys[i]!] }, { text: `${JSON.stringify(keys[i])}:` });
        if (i > 0) stack.push({ text: ',' });
      }
    } else {
      out.push(Object.is(value, -0) ? '-0' : JSON.stringify(value));
    }
  }
  return out.join('');
}

/** The canonical text of what `parse` returns, or `SyntaxError` when it throws one. */
function outcome(parse: () => unknown): string {
  try {
    return canonical(parse());
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return 'SyntaxError';
  }
}

/** Asserts that parsing `text` in pieces of every size in `sizes` equals JSON.parse. */
function assertSameAsJsonParse(text: string, sizes = [1, 2, 3, 7, 16, 64, 1024]): void {
  const expected = outcome(() => JSON.parse(text));
  for (const pieceChars of sizes) {
    const actual = outcome(() => runSync(parseInPieces(text, TRACE_LISTS, NO_CONTAINER_LIMIT, pieceChars)));
    assert.ok(actual === expected, `pieces of ${pieceChars} chars differ from JSON.parse on ${text.slice(0, 200)}: ${actual.slice(0, 300)} vs ${expected.slice(0, 300)}`);
  }
}

describe('JSON in pieces', () => {
  it('equals JSON.parse on OTLP bodies of the official serializers', () => {
    const corpus = buildCorpus(new Random(3), 'pieces');
    assertSameAsJsonParse(corpus.traces.json);
    assertSameAsJsonParse(corpus.logs.json);
    assertSameAsJsonParse(`  \n${corpus.traces.json}\t\r\n`);
  });

  it('equals JSON.parse on edge cases', () => {
    const cases = [
      '{"a":1,"b":[1,2,{"c":"]}[{,\\"\\\\"}],"a":3}',
      '{"__proto__":{"x":1},"constructor":[{"__proto__":2}]}',
      '{"constructor":[1],"toString":[2],"__proto__":[3],"hasOwnProperty":{"a":[4]},"resourceSpans":[{"constructor":[5],"scopeSpans":[{"valueOf":[6]}]}]}',
      '[{"k":-0},{"k":-0.0},1e400,-1e-400,18446744073709551616,"\\u0000\\ud800"]',
      '{"a":{"b":{"c":{"d":[[[[]]]],"e":{}}}},"f":[{},{},[],[]]}',
      '{"dup":{"x":1},"dup":{"y":2},"z":[1,2,3],"dup":[3]}',
      '{"s":"é✓😀","t":"\\"{[,:"}',
      '{"a":[1,2,]}', '{"a":[,1]}', '{"a":1,}', '{,"a":1}', '[1 2]', '{"a" 1}', '{"a":1 "b":2}', '{"a":{}}}', '{"a":[}', '[{]}',
      '{"a":[1,2]} x', '{"a":{"b":1} x}', '{"a":[{"b":1} x]}', '{1:2}', '{"a":}', '{"a":[1,2,3]', '"unterminated', '{"a":"x}',
      '', ' ', '[]', '{}', '[[]]', 'null', '"text"', '12',
      `${'['.repeat(5000)}${']'.repeat(5000)}`, `{"a":${'['.repeat(3000)}1${']'.repeat(3000)}}`, `${'['.repeat(5000)}${']'.repeat(4999)}`,
    ];
    for (const text of cases) assertSameAsJsonParse(text);
  });

  it("equals JSON.parse on the fuzz suite's JSON mutations", () => {
    const corpus = buildCorpus(new Random(4), 'pieces');
    let checked = 0;
    for (let index = 0; checked < 150; index++) {
      const fuzz = fuzzCase(corpus, 4, index);
      if (fuzz.headers['content-type'] !== 'application/json' || fuzz.headers['content-encoding'] !== undefined || fuzz.body.length > 100_000) continue;
      assertSameAsJsonParse(fuzz.body.toString('utf8'), [1, 5, 64]);
      checked++;
    }
  });

  it('counts resource groups, scope groups and items while parsing, before the rest is parsed', () => {
    const groups = (n: number, item: string) => Array.from({ length: n }, () => item).join(',');
    const tooManyGroups = `{"resourceSpans":[${groups(REQUEST_LIMITS.resourceGroups.max + 1, '{}')}]}`;
    assert.throws(() => runSync(parseInPieces(tooManyGroups, TRACE_LISTS, NO_CONTAINER_LIMIT, 4096)), new OtlpDecodeError(limitMessage(REQUEST_LIMITS.resourceGroups)));
    const tooManyScopes = `{"resourceLogs":[{"scopeLogs":[${groups(REQUEST_LIMITS.scopeGroups.max + 1, '{}')}]}]}`;
    assert.throws(() => runSync(parseInPieces(tooManyScopes, LOGS_LISTS, NO_CONTAINER_LIMIT, 4096)), new OtlpDecodeError(limitMessage(REQUEST_LIMITS.scopeGroups)));
    const tooManySpans = `{"resourceSpans":[{"scopeSpans":[{"spans":[${groups(REQUEST_LIMITS.items.max + 1, '{}')}]}]}]}`;
    assert.throws(() => runSync(parseInPieces(tooManySpans, TRACE_LISTS, NO_CONTAINER_LIMIT, 4096)), new OtlpDecodeError(limitMessage(REQUEST_LIMITS.items)));
    const limit = { name: 'JSON objects and arrays', max: 10 };
    assert.throws(() => runSync(parseInPieces(`[${groups(10, '[]')}]`, TRACE_LISTS, limit)), new OtlpDecodeError(limitMessage(limit)));
  });

  it('stops parsing at the run that passes a limit (the rest of the body is never parsed)', () => {
    // After the first runs, a syntax error: only a parser that read on would report it.
    const text = `{"resourceSpans":[${Array.from({ length: 2 * REQUEST_LIMITS.resourceGroups.max }, () => '{}').join(',')},{"x":}]}`;
    assert.throws(() => runSync(parseInPieces(text, TRACE_LISTS, NO_CONTAINER_LIMIT, 4096)), new OtlpDecodeError(limitMessage(REQUEST_LIMITS.resourceGroups)));
    assert.throws(() => JSON.parse(text), SyntaxError);
  });
});
