/**
 * An OTLP/HTTP endpoint on a fixed port whose behaviour the outage test switches while an app
 * exports to it: down (nothing listens: connections are refused), slow (answers after a delay),
 * unavailable (503), hanging (reads the request, never answers), or forwarding to a real collector.
 */
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type OutageMode = 'down' | 'slow' | 'unavailable' | 'hanging';
export type EndpointMode = OutageMode | 'forward';

/** How long the slow mode takes to answer each export. */
export const SLOW_ANSWER_MILLIS = 3_000;

export class SwitchableEndpoint {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private mode: EndpointMode = 'down';
  /** Export requests received per mode (what each outage saw). */
  readonly requests: Record<EndpointMode, number> = { down: 0, slow: 0, unavailable: 0, hanging: 0, forward: 0 };

  constructor(
    readonly port: number,
    private readonly forwardTo: URL,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Switches behaviour; `down` closes the listener and every open connection. */
  async setMode(mode: EndpointMode): Promise<void> {
    this.mode = mode;
    if (mode === 'down') return this.close();
    if (this.server === undefined) await this.listen();
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const mode = this.mode;
    this.requests[mode]++;
    if (mode === 'forward') return this.forward(req, res);
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      if (mode === 'hanging') return; // never answers; the socket is destroyed when the mode changes
      if (mode === 'unavailable') {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('collector unavailable');
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        const json = String(req.headers['content-type']).includes('json');
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
      }, SLOW_ANSWER_MILLIS);
      this.timers.add(timer);
    });
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = request(
      { host: this.forwardTo.hostname, port: this.forwardTo.port, path: req.url, method: req.method, headers: { ...req.headers, host: this.forwardTo.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  }
}
