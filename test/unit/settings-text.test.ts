/**
 * README, "Configuration": a blank variable means the default, values are read trimmed, and positive
 * whole-number settings take plain digits only (`20k`, `1e3` and `1.5` stop start-up).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfiguration } from '../../packages/next-request-context/src/settings/configuration';
import { checkPositiveInteger, positiveIntegerSetting } from '../../packages/next-request-context/src/settings/rules';

describe('setting text', () => {
  it('a sampler name is read trimmed; a blank one is the default', () => {
    resolveConfiguration({}, { OTEL_TRACES_SAMPLER: ' always_off ' });
    resolveConfiguration({}, { OTEL_TRACES_SAMPLER: '   ', OTEL_TRACES_SAMPLER_ARG: '7' });
  });

  it('OTEL_BSP_* with spaces around the digits is accepted; blank is the default', () => {
    resolveConfiguration({}, { OTEL_BSP_MAX_QUEUE_SIZE: ' 5 ', OTEL_BSP_SCHEDULE_DELAY: '  ' });
  });

  it('positive whole numbers: plain digits from 1 to the maximum', () => {
    assert.equal(positiveIntegerSetting(undefined, 'maxQueueSize', 'OTEL_BLRP_MAX_QUEUE_SIZE', 200000, 1000, { OTEL_BLRP_MAX_QUEUE_SIZE: ' 1000 ' }), 1000);
    assert.equal(positiveIntegerSetting(undefined, 'maxQueueSize', 'OTEL_BLRP_MAX_QUEUE_SIZE', 200000, 1000, { OTEL_BLRP_MAX_QUEUE_SIZE: ' ' }), 200000);
    assert.equal(positiveIntegerSetting(undefined, 'maxQueueSize', 'OTEL_BLRP_MAX_QUEUE_SIZE', 200000, 1000, {}), 200000);
    for (const text of ['20k', '1e3', '1.5', 'x5', '5x', '1001', '0']) {
      assert.throws(() => positiveIntegerSetting(undefined, 'maxQueueSize', 'OTEL_BLRP_MAX_QUEUE_SIZE', 200000, 1000, { OTEL_BLRP_MAX_QUEUE_SIZE: text }), {
        name: 'ConfigurationError',
        message: `OTEL_BLRP_MAX_QUEUE_SIZE is invalid (actual: "${text}"), expected a whole number from 1 to 1000`,
      });
    }
    assert.throws(() => checkPositiveInteger('maxQueueSize', 2.5), { message: 'maxQueueSize is invalid (actual: 2.5), expected a whole number from 1 to 9007199254740991' });
  });
});
