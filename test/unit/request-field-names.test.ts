/**
 * README, "App request fields": names may not be, in snake_case, `user_id`, `trace_id`, `span_id`,
 * `trace_flags` or a pino key (`level`, `time`, `msg`, `pid`, `hostname`, `err`); fields are an object;
 * invalid fields throw a TypeError `what is wrong (actual: x), expected y`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getRequestContext, runWithRequestContext } from '../../packages/next-request-context/src/index';

const RESERVED = 'trace_id, span_id, trace_flags, user_id, level, time, msg, pid, hostname, err';

function run(fields: unknown) {
  return runWithRequestContext({ userId: 'u-1', fields } as Parameters<typeof runWithRequestContext>[0], () => getRequestContext().fields);
}

describe('reserved request field names', () => {
  const names: Array<[string, string]> = [
    ['userId', 'user_id'],
    ['traceId', 'trace_id'],
    ['span_id', 'span_id'],
    ['traceFlags', 'trace_flags'],
    ['level', 'level'],
    ['time', 'time'],
    ['msg', 'msg'],
    ['pid', 'pid'],
    ['hostname', 'hostname'],
    ['err', 'err'],
  ];
  for (const [name, key] of names) {
    it(`${name} is refused (logged as ${key})`, async () => {
      await assert.rejects(async () => run({ [name]: 'x' }), {
        name: 'TypeError',
        message: `runWithRequestContext: request field ${name} is reserved (actual: logged as ${key}), expected a name whose snake_case form is none of ${RESERVED}`,
      });
    });
  }

  it('names that only contain a reserved word are fine', async () => {
    assert.deepEqual(await run({ timeZone: 'UTC', errCount: 0, hostnameHint: 'a' }), { timeZone: 'UTC', errCount: 0, hostnameHint: 'a' });
  });
});

describe('fields that are not an object', () => {
  for (const [fields, actual] of [[[], 'an array'], [null, 'null'], ['x', 'string']] as const) {
    it(`${JSON.stringify(fields)} is refused`, async () => {
      await assert.rejects(async () => run(fields), { name: 'TypeError', message: `runWithRequestContext: request fields are invalid (actual: ${actual}), expected an object of field names to values` });
    });
  }
});
