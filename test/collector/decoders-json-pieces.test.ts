/**
 * The JSON body parser that works in pieces (otlp/json-pieces.ts), at unit level: results equal
 * JSON.parse's at every piece size (values, key order, last duplicate wins, own `__proto__`), the
 * syntax errors it finds on the bytes (with their positions), the container limit, the request's
 * lists counted against their limits as big containers are parsed (TRACE_LISTS, LOGS_LISTS, any
 * ListShape), native parses bounded by the piece size (64 KiB by default), a scan that yields every
 * 64 KiB, bodies nested deeper than the piece parser recurses; and the shared scheduler that runs
 * decodes over event-loop turns (steps.ts `runYielding`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOGS_LISTS, parseInPieces, PIECE_BYTES, scanContainers, TRACE_LISTS } from '../../packages/otel-local/src/otlp/json-pieces';
import type { ListShape } from '../../packages/otel-local/src/otlp/json-pieces';
import { OtlpDecodeError } from '../../packages/otel-local/src/otlp/errors';
import { ElementCounter, REQUEST_LIMITS } from '../../packages/otel-local/src/otlp/limits';
import { runSync, runYielding } from '../../packages/otel-local/src/otlp/steps';

const NO_LIMIT = { name: 'JSON objects and arrays', max: Number.MAX_SAFE_INTEGER };
const NO_LISTS: ListShape = {};

function parse(body: string | Uint8Array, pieceBytes: number, lists: ListShape = NO_LISTS, containerLimit = NO_LIMIT): unknown {
  return runSync(parseInPieces(body, lists, containerLimit, pieceBytes));
}

/** Runs a generator to its end: its result and how many times it yielded. */
function drive<T>(steps: Generator<void, T>): { value: T; yields: number } {
  let yields = 0;
  for (;;) {
    const step = steps.next();
    if (step.done) return { value: step.value, yields };
    yields++;
  }
}

/** Asserts that `run` throws a SyntaxError with exactly `message`. */
function assertSyntaxError(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SyntaxError, `expected a SyntaxError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

/** Asserts that `run` throws an OtlpDecodeError with exactly `message`. */
function assertLimitError(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OtlpDecodeError, `expected an OtlpDecodeError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

/** The texts JSON.parse is handed while `run` runs. */
function nativeParses(run: () => void): string[] {
  const original = JSON.parse;
  const texts: string[] = [];
  JSON.parse = function (this: unknown, text: string, reviver?: Parameters<typeof JSON.parse>[1]) {
    texts.push(text);
    return original.call(JSON, text, reviver) as unknown;
  } as typeof JSON.parse;
  try {
    run();
  } finally {
    JSON.parse = original;
  }
  return texts;
}

/** `{"key":[{"key":[ ... {} ... ]}]}`, `levels` arrays deep. */
function nestedLists(key: string, levels: number): string {
  return `{"${key}":[`.repeat(levels) + '{}' + ']}'.repeat(levels);
}

describe('JSON in pieces: results', () => {
  // each text with the value JSON.parse gives for it
  const cases: Array<[string, unknown]> = [
    ['[1,"a,b",[2,3],{"c":[4,{"d":"]}"}]},null,true,false,-0.5,1e3]', [1, 'a,b', [2, 3], { c: [4, { d: ']}' }] }, null, true, false, -0.5, 1000]],
    ['{"a":[1,2],"b":{"c":"x\\"]","d":[{}]},"e":[],"f":"{["}', { a: [1, 2], b: { c: 'x"]', d: [{}] }, e: [], f: '{[' }],
    [' \t\r\n[777,[1,2],3,{"k":[5,6]},[[8],[9]]] \n\r\t', [777, [1, 2], 3, { k: [5, 6] }, [[8], [9]]]],
    ['{"s":"a\\\\","t":"\\\\\\"[","u":[ ],"v":{ },"w":[ 1 , 2 ]}', { s: 'a\\', t: '\\"[', u: [], v: {}, w: [1, 2] }],
    ['[[[1,[2]],{"a":{"b":[3,{"c":[]}]}}],"\\u005d",{"x":"é,ü","ключ":["😀",[]]}]', [[[1, [2]], { a: { b: [3, { c: [] }] } }], ']', { x: 'é,ü', ключ: ['😀', []] }]],
    ['{\n  "resourceSpans": [\n    {"scopeSpans": [{"spans": [{"name": "a"}, {"name": "b,]"}]}]},\n    {}\n  ]\n}', { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'a' }, { name: 'b,]' }] }] }, {}] }],
    ['[]', []],
    ['{}', {}],
    ['"x"', 'x'],
    [' 12 ', 12],
  ];

  for (const [text, expected] of cases) {
    it(`equals JSON.parse at every piece size: ${text.slice(0, 40)}`, () => {
      assert.deepStrictEqual(JSON.parse(text), expected); // the expectation is JSON's
      const bytes = Buffer.byteLength(text);
      for (let pieceBytes = 1; pieceBytes <= bytes + 2; pieceBytes++) {
        assert.deepStrictEqual(parse(text, pieceBytes), expected, `pieces of ${pieceBytes} bytes`);
        assert.deepStrictEqual(parse(Buffer.from(text), pieceBytes), expected, `pieces of ${pieceBytes} bytes, from bytes`);
      }
    });
  }

  it('keeps the key order of the first occurrence and the value of the last duplicate, like JSON.parse', () => {
    for (const pieceBytes of [1, 4, 9, 100]) {
      const value = parse('{"a":1,"b":[2,3],"a":[4,5],"c":{"d":6},"b":7}', pieceBytes) as Record<string, unknown>;
      assert.deepStrictEqual(Object.keys(value), ['a', 'b', 'c']);
      assert.deepStrictEqual(value, { a: [4, 5], b: 7, c: { d: 6 } });
    }
  });

  it('sets keys as own, writable, enumerable, configurable properties; "__proto__" is an ordinary key', () => {
    const value = parse('{"__proto__":[1,2],"a":{"__proto__":{"x":1}},"b":3}', 1) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepStrictEqual(Object.keys(value), ['__proto__', 'a', 'b']);
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(value, '__proto__'), { value: [1, 2], writable: true, enumerable: true, configurable: true });
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(value, 'b'), { value: 3, writable: true, enumerable: true, configurable: true });
    const inner = value.a as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(inner), Object.prototype);
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(inner, '__proto__'), { value: { x: 1 }, writable: true, enumerable: true, configurable: true });
    value.b = 4; // writable, as JSON.parse's
    assert.equal(value.b, 4);
  });

  it('reads a Uint8Array view at its offset, and invalid UTF-8 becomes U+FFFD', () => {
    const buffer = Buffer.from('xx[1,[2,3],"a"]yy');
    assert.deepStrictEqual(parse(buffer.subarray(2, buffer.length - 2), 1), [1, [2, 3], 'a']);
    const invalid = Buffer.concat([Buffer.from('["a'), Buffer.from([0xff]), Buffer.from('b",[1]]')]);
    assert.deepStrictEqual(parse(invalid, 1), ['a\uFFFDb', [1]]);
  });

  it('parses bodies nested far deeper than the piece parser recurses (10,000 levels)', () => {
    const levels = 10_000;
    const arrays = parse('['.repeat(levels) + ']'.repeat(levels), 1);
    const objects = parse('{"b":'.repeat(levels) + '{}' + '}'.repeat(levels), 1);
    let depth = 0;
    for (let value = arrays as unknown[]; value.length > 0; value = value[0] as unknown[]) depth++;
    assert.equal(depth, levels - 1);
    depth = 0;
    for (let value = objects as Record<string, unknown>; 'b' in value; value = value.b as Record<string, unknown>) depth++;
    assert.equal(depth, levels);
  });
});

describe('JSON in pieces: syntax errors found on the bytes', () => {
  it('a closing bracket that does not match', () => {
    assertSyntaxError(() => parse('[1}', 1), 'unexpected "}" at position 2');
    assertSyntaxError(() => parse('[{]}', 1), 'unexpected "]" at position 2');
    assertSyntaxError(() => parse('1]', 1), 'unexpected "]" at position 1');
    assertSyntaxError(() => parse('{"a":[1,2}}', 100), 'unexpected "}" at position 9');
  });

  it('a container or string left open', () => {
    assertSyntaxError(() => parse('[1,[2', 1), 'unterminated container at position 3');
    assertSyntaxError(() => parse('{"a":[1,{"b":2}', 1), 'unterminated container at position 5');
    const small = { name: 'JSON objects and arrays', max: 10 };
    assertSyntaxError(() => parse('["abc', 1, NO_LISTS, small), 'unterminated container at position 0');
    assertSyntaxError(() => parse('["a\\"]', 1, NO_LISTS, small), 'unterminated container at position 0');
    assertSyntaxError(() => parse('[["a\\\\\\"]]', 1, NO_LISTS, small), 'unterminated container at position 1');
  });

  it('an empty body or member', () => {
    assertSyntaxError(() => parse('', 1), 'missing value at position 0');
    assertSyntaxError(() => parse(' \t\r\n', 1), 'missing value at position 4');
    assertSyntaxError(() => parse('[1,,2]', 1), 'missing value at position 3');
    assertSyntaxError(() => parse('[,1]', 1), 'missing value at position 1');
    assertSyntaxError(() => parse('[1, ]', 1), 'missing value at position 3');
    assertSyntaxError(() => parse('{"a":1,,"b":2}', 1), 'missing value at position 7');
  });

  it('text after a big value', () => {
    assertSyntaxError(() => parse('[1,2] 3', 1), 'unexpected text after a value at position 5');
    assertSyntaxError(() => parse('[[1,2] 3]', 1), 'unexpected text after a value at position 6');
    assertSyntaxError(() => parse('{"a":[1,2] 3}', 1), 'unexpected text after a value at position 10');
    const lists: ListShape = { a: { limit: { name: 'a', max: 100 }, element: {} } };
    assertSyntaxError(() => parse('{"a":[1,2] 3}', 1, lists), 'unexpected text after a value at position 10');
  });

  it('an object member without a string key or a colon', () => {
    assertSyntaxError(() => parse('{"a":1, 2:3}', 1), 'expected a string key at position 8');
    assertSyntaxError(() => parse('{"a" , "b": 1}', 1), 'expected ":" at position 4');
    assertSyntaxError(() => parse('{"a" 1}', 1), 'expected ":" at position 5');
    assertSyntaxError(() => parse('{"a\\"":1,"b"}', 1), 'expected ":" at position 12');
  });

  it('every kind of JSON whitespace around a big value is allowed, and nothing else', () => {
    for (const space of [' ', '\n', '\r', '\t']) {
      assert.deepStrictEqual(parse(`${space}[1,2]${space}`, 1), [1, 2]);
      assert.deepStrictEqual(parse(`${space}{"a":${space}[1]${space},${space}"b":${space}{"c":2}${space}}${space}`, 1), { a: [1], b: { c: 2 } });
    }
    assertSyntaxError(() => parse('[1,2]\f', 1), 'unexpected text after a value at position 5');
  });
});

describe('JSON in pieces: limits', () => {
  it('counts objects and arrays outside strings against the container limit', () => {
    const limit = { name: 'JSON objects and arrays', max: 3 };
    assert.deepStrictEqual(parse('[[],{}]', 1, NO_LISTS, limit), [[], {}]);
    assert.deepStrictEqual(parse('["[[[[{{{{",{"]]":"}}"}]', 1, NO_LISTS, limit), ['[[[[{{{{', { ']]': '}}' }]);
    assertLimitError(() => parse('[[],{},[]]', 1, NO_LISTS, limit), 'more than 3 JSON objects and arrays in one request (limit: 3 JSON objects and arrays per request)');
    assertLimitError(() => parse('[[],{},[]]', 1000, NO_LISTS, limit), 'more than 3 JSON objects and arrays in one request (limit: 3 JSON objects and arrays per request)');
  });

  const groups = { name: 'groups', max: 2 };
  const items = { name: 'items', max: 3 };
  const lists: ListShape = { groups: { limit: groups, element: { items: { limit: items, element: {} } } } };
  const overGroups = 'more than 2 groups in one request (limit: 2 groups per request)';
  const overItems = 'more than 3 items in one request (limit: 3 items per request)';

  it('counts the lists of big containers, in runs and one by one, up to their limit', () => {
    for (const pieceBytes of [1, 4]) {
      assert.deepStrictEqual(parse('{"groups":[{},{}]}', pieceBytes, lists), { groups: [{}, {}] });
      assertLimitError(() => parse('{"groups":[{},{},{}]}', pieceBytes, lists), overGroups);
      assert.deepStrictEqual(parse('{"groups":[{"items":[1,2,3]}]}', pieceBytes, lists), { groups: [{ items: [1, 2, 3] }] });
      assertLimitError(() => parse('{"groups":[{"items":[1,2,3,4]}]}', pieceBytes, lists), overItems);
      // one count per request: items of every group together
      assertLimitError(() => parse('{"groups":[{"items":[1,2]},{"items":[3,4]}]}', pieceBytes, lists), overItems);
    }
    const mixed = { items: { limit: items, element: {} } };
    // small elements counted per run, big ones one by one
    assert.deepStrictEqual(parse('{"items":[1,[2,3,4,5],6]}', 4, mixed), { items: [1, [2, 3, 4, 5], 6] });
    assertLimitError(() => parse('{"items":[1,[2,3,4,5],6,7]}', 4, mixed), overItems);
    assertLimitError(() => parse('{"x":1,"items":[1,2,3,4],"y":2}', 4, mixed), overItems);
    // a list in a run of members (the object is big, the list is not) is counted too
    assertLimitError(() => parse('{"x":1,"items":[1,2,3,4],"y":2}', 20, mixed), overItems);
    assert.deepStrictEqual(parse('{"x":1,"items":[1,2,3],"y":2}', 20, mixed), { x: 1, items: [1, 2, 3], y: 2 });
  });

  it('counts a list inside a big element that follows small ones', () => {
    const many = { name: 'groups', max: 100 };
    const shape: ListShape = { groups: { limit: many, element: { items: { limit: items, element: {} } } } };
    assertLimitError(() => parse('{"groups":[[0],{"items":[1,2,3,4]}]}', 4, shape), overItems);
    assertLimitError(() => parse('{"groups":[{},{"items":[1,2,3,4]}]}', 4, shape), overItems);
    assertLimitError(() => parse('{"groups":["a,b",{"items":[1,2,3,4]}]}', 4, shape), overItems);
    assertLimitError(() => parse('{"groups":[{"x":[0]},{"items":[1,2,3,4]}]}', 6, shape), overItems);
    assertLimitError(() => parse('{"x":[0],"groups":[{"items":[1,2,3,4]}]}', 4, shape), overItems);
    assertLimitError(() => parse('{"x":"[0]","groups":[{"items":[1,2,3,4]}]}', 6, shape), overItems);
    assertLimitError(() => parse('{"groups": [{"items": [1,2,3,4]}]}', 4, shape), overItems);
  });

  it('a list name holding an object is parsed as an object and not counted; own names only', () => {
    assert.deepStrictEqual(parse('{"groups":{"a":1,"b":2,"c":3}}', 1, lists), { groups: { a: 1, b: 2, c: 3 } });
    assert.deepStrictEqual(parse('{"constructor":[1,2,3,4],"toString":[1,2,3]}', 1, lists), { constructor: [1, 2, 3, 4], toString: [1, 2, 3] });
  });

  it('counts lists of big containers down to 256 levels of pieces, deeper ones are parsed at once', () => {
    // arrays at depths 1, 3, ..., 257 are parsed in pieces (one element counted each); deeper at once
    const shape: ListShape = {};
    const limit = { name: 'a', max: 129 };
    shape.a = { limit, element: shape };
    const body = nestedLists('a', 300);
    assert.ok(parse(body, 1, shape));
    const counting: ListShape = {};
    counting.a = { limit: { name: 'a', max: 128 }, element: counting };
    assertLimitError(() => parse(body, 1, counting), 'more than 128 a in one request (limit: 128 a per request)');
  });

  it('TRACE_LISTS and LOGS_LISTS count resource groups, scope groups and spans or log records', () => {
    const { resourceGroups, scopeGroups, items: records } = REQUEST_LIMITS;
    assert.deepStrictEqual(TRACE_LISTS, { resourceSpans: { limit: resourceGroups, element: { scopeSpans: { limit: scopeGroups, element: { spans: { limit: records, element: {} } } } } } });
    assert.deepStrictEqual(LOGS_LISTS, { resourceLogs: { limit: resourceGroups, element: { scopeLogs: { limit: scopeGroups, element: { logRecords: { limit: records, element: {} } } } } } });
    const list = (n: number, element: string) => Array(n).fill(element).join(',');
    const over = (limit: { name: string; max: number }) => `more than ${limit.max} ${limit.name} in one request (limit: ${limit.max} ${limit.name} per request)`;
    for (const [shape, resource, scope, item] of [[TRACE_LISTS, 'resourceSpans', 'scopeSpans', 'spans'], [LOGS_LISTS, 'resourceLogs', 'scopeLogs', 'logRecords']] as const) {
      const groupsAt = (n: number) => `{"${resource}":[${list(n, '{}')}]}`;
      assert.equal((parse(groupsAt(10_000), 1024, shape) as Record<string, unknown[]>)[resource]!.length, 10_000);
      assertLimitError(() => parse(groupsAt(10_001), 1024, shape), over(resourceGroups));
      assertLimitError(() => parse(`{"${resource}":[{"${scope}":[${list(10_001, '{}')}]}]}`, 1024, shape), over(scopeGroups));
      const itemsAt = (n: number) => `{"${resource}":[{"${scope}":[{"${item}":[${list(n, '0')}]}]}]}`;
      assert.ok(parse(itemsAt(100_000), 1024, shape));
      assertLimitError(() => parse(itemsAt(100_001), 1024, shape), over(records));
    }
  });

  it('ElementCounter refuses one over the limit, counting what it was given', () => {
    const counter = new ElementCounter();
    const limit = { name: 'things', max: 5 };
    counter.add(limit, 4);
    counter.add(limit);
    assert.throws(() => counter.add(limit), { name: 'OtlpDecodeError', message: 'more than 5 things in one request (limit: 5 things per request)' });
    const other = new ElementCounter();
    other.add(limit, 5);
    assert.throws(() => other.add(limit, 1), { message: 'more than 5 things in one request (limit: 5 things per request)' });
  });
});

describe('JSON in pieces: pieces and yields', () => {
  it('hands JSON.parse runs that reach the piece size, never more than one member over it', () => {
    const array = `[${Array(10).fill('1234').join(',')}]`;
    assert.deepStrictEqual(nativeParses(() => parse(array, 9)), Array(5).fill('[1234,1234]'));
    assert.deepStrictEqual(nativeParses(() => parse(array, 10)), ['[1234,1234,1234]', '[1234,1234,1234]', '[1234,1234,1234]', '[1234]']);
    const object = `{${'abcdefghij'.split('').map((key) => `"${key}":1234`).join(',')}}`;
    assert.deepStrictEqual(nativeParses(() => parse(object, 17)), ['{"a":1234,"b":1234}', '{"c":1234,"d":1234}', '{"e":1234,"f":1234}', '{"g":1234,"h":1234}', '{"i":1234,"j":1234}']);
    // a big member between runs ends the run before it
    assert.deepStrictEqual(nativeParses(() => parse('[1,2,[3,4,5,6,7],8]', 8)), ['[1,2]', '[3,4,5,6,7]', '[8]']);
    assert.deepStrictEqual(nativeParses(() => parse('{"a":1,"b":[3,4,5,6,7],"c":8}', 8)), ['{"a":1}', '"b"', '[3,4,5,6,7]', '{"c":8}']);
  });

  it('pieces are 64 KiB by default', () => {
    assert.equal(PIECE_BYTES, 64 * 1024);
    const body = `[${Array(20_000).fill('12345678').join(',')}]`; // 9 bytes a member: 7,282 of them reach 64 KiB
    const texts = nativeParses(() => assert.equal((parse(body, PIECE_BYTES) as unknown[]).length, 20_000));
    assert.deepStrictEqual(texts.map((text) => text.length), [9 * 7_282 + 1, 9 * 7_282 + 1, 9 * (20_000 - 2 * 7_282) + 1]);
    const byDefault = nativeParses(() => runSync(parseInPieces(body, NO_LISTS, NO_LIMIT)));
    assert.deepStrictEqual(byDefault.map((text) => text.length), [9 * 7_282 + 1, 9 * 7_282 + 1, 9 * (20_000 - 2 * 7_282) + 1]);
  });

  it('the scan yields after every 64 KiB of bytes', () => {
    for (const [length, yields] of [[0, 0], [1, 1], [65_536, 1], [65_537, 2], [131_072, 2], [131_073, 3]] as const) {
      assert.equal(drive(scanContainers(Buffer.alloc(length, 0x20), NO_LIMIT, 1)).yields, yields, `${length} bytes`);
    }
  });

  it('the scan finds the containers of at least the piece size, by their start and closing bracket', () => {
    const text = '[[1],[22],"[x]",{"a":"}"}]';
    assert.deepStrictEqual([...drive(scanContainers(Buffer.from(text), NO_LIMIT, 3)).value], [[5, 8], [16, 24], [0, 25]]);
    assert.deepStrictEqual([...drive(scanContainers(Buffer.from(text), NO_LIMIT, 4)).value], [[16, 24], [0, 25]]);
    assert.deepStrictEqual([...drive(scanContainers(Buffer.from(text), NO_LIMIT, 2)).value], [[1, 3], [5, 8], [16, 24], [0, 25]]);
    assert.deepStrictEqual([...drive(scanContainers(Buffer.from('["a\\\\",["\\"]"]]'), NO_LIMIT, 1)).value], [[7, 13], [0, 14]]);
  });
});

describe('runYielding (the decoders shared scheduler)', () => {
  it('resolves with what the steps return, rejects with what they throw', async () => {
    function* ok(): Generator<void, number> {
      yield;
      yield;
      return 42;
    }
    function* fails(): Generator<void, number> {
      yield;
      throw new OtlpDecodeError('bad body');
    }
    assert.equal(await runYielding(ok()), 42);
    await assert.rejects(runYielding(fails()), { name: 'OtlpDecodeError', message: 'bad body' });
    assert.equal(await runYielding(ok()), 42);
  });

  it('runs decodes in flight one step each in turn', async () => {
    const order: string[] = [];
    function* steps(name: string, count: number): Generator<void, string> {
      for (let i = 0; i < count; i++) {
        order.push(`${name}${i}`);
        yield;
      }
      return name;
    }
    assert.deepStrictEqual(await Promise.all([runYielding(steps('a', 3)), runYielding(steps('b', 2)), runYielding(steps('c', 1))]), ['a', 'b', 'c']);
    assert.deepStrictEqual(order, ['a0', 'b0', 'c0', 'a1', 'b1', 'a2']);
  });

  /** Steps of 1 ms each for `ms` milliseconds, counted in `steps`. */
  function* busy(ms: number, steps = { count: 0 }): Generator<void, string> {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const step = performance.now() + 1;
      while (performance.now() < step);
      steps.count++;
      yield;
    }
    return 'decoded';
  }

  it('gives the event loop back while a long decode runs', async () => {
    const events: string[] = [];
    const decoded = runYielding(busy(60)).then((value) => events.push(value));
    setImmediate(() => events.push('other work'));
    await decoded;
    assert.deepStrictEqual(events, ['other work', 'decoded']);
    // and again once the scheduler had nothing left to do
    events.length = 0;
    const again = runYielding(busy(60)).then((value) => events.push(value));
    setImmediate(() => events.push('other work'));
    await again;
    assert.deepStrictEqual(events, ['other work', 'decoded']);
  });

  it('runs at most 8 ms of decoding per event-loop turn, however many decodes are in flight', async () => {
    const steps = { count: 0 };
    const decodes = Promise.all([runYielding(busy(40, steps)), runYielding(busy(40, steps)), runYielding(busy(40, steps))]);
    let stepsBeforeOtherWork = -1;
    setImmediate(() => (stepsBeforeOtherWork = steps.count));
    assert.deepStrictEqual(await decodes, ['decoded', 'decoded', 'decoded']);
    // steps of at least 1 ms each: a turn that starts a step only before its 8 ms are over runs at most 8
    assert.ok(stepsBeforeOtherWork >= 1 && stepsBeforeOtherWork <= 8, `${stepsBeforeOtherWork} steps ran in the first turn`);
  });
});
