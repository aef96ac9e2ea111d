/**
 * Port conflicts fail at once with a message naming the port and what holds it; config errors
 * fail fast with "what is wrong (actual), expected"; a failed start leaves nothing listening.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { Server as TcpServer } from 'node:net';
import { describe, it } from 'node:test';
import { ConfigurationError, optionsFromEnv, PortInUseError, startCollector } from '../../packages/otel-local/src/index';
import { startTestCollector } from './helpers';

async function holdPort(handler: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

function closeServer(server: Server | TcpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function startError(options: Parameters<typeof startTestCollector>[0]): Promise<Error> {
  try {
    const collector = await startTestCollector(options);
    await collector.close();
  } catch (error) {
    return error as Error;
  }
  assert.fail('the collector started although its port was taken');
}

describe('port conflicts', () => {
  it('names another process holding the query port', async () => {
    const { server, port } = await holdPort((_request, response) => response.end('hello'));
    try {
      const error = await startError({ queryPort: port });
      assert.ok(error instanceof PortInUseError);
      assert.equal(error.port, port);
      assert.equal(
        error.message,
        `cannot start the query API / viewer: port ${port} on 127.0.0.1 is already in use: held by another process (an HTTP server answering 200); ` +
          'stop that process or choose another port with --query-port / COLLECTOR_QUERY_PORT',
      );
    } finally {
      await closeServer(server);
    }
  });

  it('recognises Jaeger (docker compose stack) on the query port', async () => {
    const { server, port } = await holdPort((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end('<!doctype html><html><head><title>Jaeger UI</title></head></html>');
    });
    try {
      const error = await startError({ queryPort: port });
      assert.match(error.message, new RegExp(`port ${port} .*looks like the docker compose stack \\(Jaeger/OpenTelemetry Collector\\) is running`));
    } finally {
      await closeServer(server);
    }
  });

  it('recognises the OpenTelemetry Collector on the OTLP port', async () => {
    const { server, port } = await holdPort((request, response) => {
      if (request.url === '/v1/traces' && request.method !== 'POST') {
        response.statusCode = 405;
        response.end('405 method not allowed, supported: [POST]');
        return;
      }
      response.statusCode = 404;
      response.end('404 page not found');
    });
    try {
      const error = await startError({ otlpPort: port });
      assert.match(error.message, /cannot start the OTLP\/HTTP receiver: port \d+ .*docker compose stack/);
      assert.match(error.message, /--otlp-port \/ COLLECTOR_OTLP_PORT/);
    } finally {
      await closeServer(server);
    }
  });

  it('recognises another embedded collector on either port', async () => {
    const running = await startTestCollector();
    try {
      for (const options of [{ queryPort: running.queryPort }, { otlpPort: running.otlpPort }]) {
        const error = await startError(options);
        assert.match(error.message, /another embedded collector is already running there/, JSON.stringify(options));
      }
    } finally {
      await running.close();
    }
  });

  it('names a non-HTTP holder and leaves nothing listening after a failed start', async () => {
    const tcp = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const heldPort = (tcp.address() as { port: number }).port;
    const free = await holdPort(() => {});
    const freePort = free.port;
    await closeServer(free.server);
    try {
      const error = await startError({ otlpPort: freePort, queryPort: heldPort });
      assert.match(error.message, new RegExp(`port ${heldPort} .*held by another process that does not answer HTTP`));
      // The receiver had bound freePort before the query port failed; it must have been released.
      const rebind = createServer();
      await new Promise<void>((resolve, reject) => rebind.once('error', reject).listen(freePort, '127.0.0.1', resolve));
      await closeServer(rebind);
    } finally {
      await closeServer(tcp);
    }
  });
});

describe('configuration errors', () => {
  const cases: Array<[Parameters<typeof startCollector>[0], string, string]> = [
    [{ otlpPort: 70000 }, 'otlpPort', 'otlpPort is invalid (actual: 70000), expected a TCP port, an integer from 0 to 65535 (0 = any free port)'],
    [{ queryPort: 80.5 }, 'queryPort', 'queryPort is invalid (actual: 80.5), expected a TCP port, an integer from 0 to 65535 (0 = any free port)'],
    [{ otlpPort: 5000, queryPort: 5000 }, 'queryPort', 'queryPort is invalid (actual: 5000, the same as otlpPort), expected a port different from otlpPort'],
    [{ host: '' }, 'host', 'host is invalid (actual: ""), expected an interface address such as 127.0.0.1'],
    [{ dbPath: '' }, 'dbPath', 'dbPath is invalid (actual: ""), expected a file path or :memory:'],
    [{ retention: { maxAgeHours: -1 } }, 'retention.maxAgeHours', 'retention.maxAgeHours is invalid (actual: -1), expected a number from 0 to 87600'],
    [{ retention: { maxSpans: 1.5 } }, 'retention.maxSpans', 'retention.maxSpans is invalid (actual: 1.5), expected an integer from 0 to 9007199254740991'],
    [{ maxBodyBytes: 0 }, 'maxBodyBytes', 'maxBodyBytes is invalid (actual: 0), expected an integer from 1 to 1073741824'],
  ];
  for (const [options, setting, message] of cases) {
    it(`rejects ${JSON.stringify(options)}`, async () => {
      await assert.rejects(startCollector({ ...options, dbPath: options?.dbPath ?? ':memory:' }), (error: Error) => {
        assert.ok(error instanceof ConfigurationError);
        assert.equal(error.name, 'ConfigurationError');
        assert.equal(error.setting, setting);
        assert.equal(error.message, message);
        return true;
      });
    });
  }

  it('rejects environment variables that are not numbers, naming the variable', () => {
    assert.throws(
      () => optionsFromEnv({ COLLECTOR_MAX_DB_MB: '2 GB' }),
      (error: Error) =>
        error instanceof ConfigurationError &&
        error.setting === 'COLLECTOR_MAX_DB_MB' &&
        error.message === 'COLLECTOR_MAX_DB_MB is invalid (actual: "2 GB"), expected a number, e.g. COLLECTOR_MAX_DB_MB=2048',
    );
    assert.deepEqual(optionsFromEnv({ COLLECTOR_OTLP_PORT: ' ', COLLECTOR_MAX_BODY_MB: '1' }), { retention: {}, maxBodyBytes: 1024 * 1024 });
  });
});
