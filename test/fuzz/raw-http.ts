/**
 * HTTP framing errors sent over a raw TCP socket (a client library would refuse to send them):
 * broken chunked encoding, lying or conflicting Content-Length. Each request is followed by the
 * end of the stream, so the server sees everything at once; the answer's status, if any, is read.
 */
import { connect } from 'node:net';
import type { Random } from './random';

/** A request as raw bytes, and what it breaks. */
export interface RawCase {
  kind: string;
  bytes: Buffer;
}

const head = (host: string, extra: string) =>
  `POST /v1/traces HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-protobuf\r\n${extra}\r\n`;

/** The framing cases; `random` varies the payloads and sizes. */
export function rawCases(random: Random, host: string, validBody: Uint8Array): RawCase[] {
  const chunked = (chunks: string | Buffer) => Buffer.concat([Buffer.from(head(host, 'Transfer-Encoding: chunked\r\n')), Buffer.from(chunks)]);
  const body = Buffer.from(validBody);
  return [
    { kind: 'chunk size not hex', bytes: chunked('zz\r\nabc\r\n0\r\n\r\n') },
    { kind: 'chunk size beyond the data, then end of stream', bytes: chunked(`${(body.length + 100).toString(16)}\r\n${body.toString('latin1')}`) },
    { kind: 'chunk data without CRLF', bytes: Buffer.concat([chunked(`${body.length.toString(16)}\r\n`), body, Buffer.from('XX0\r\n\r\n')]) },
    { kind: 'chunk size of 2^68', bytes: chunked('fffffffffffffffff\r\nabc\r\n0\r\n\r\n') },
    { kind: 'chunk extension junk', bytes: chunked(`3;${'x'.repeat(random.int(1, 20000))}\r\nabc\r\n0\r\n\r\n`) },
    { kind: 'no last chunk', bytes: Buffer.concat([chunked(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]) },
    { kind: 'random chunk sizes', bytes: chunked(`${random.hex(random.int(1, 12))}\r\n${random.bytes(random.int(0, 64)).toString('latin1')}\r\n0\r\n\r\n`) },
    { kind: 'chunked and Content-Length', bytes: Buffer.concat([Buffer.from(head(host, 'Transfer-Encoding: chunked\r\nContent-Length: 5\r\n')), Buffer.from('3\r\nabc\r\n0\r\n\r\n')]) },
    { kind: 'Content-Length beyond the body, then end of stream', bytes: Buffer.concat([Buffer.from(head(host, `Content-Length: ${body.length + 1000}\r\n`)), body]) },
    { kind: 'Content-Length shorter than the body', bytes: Buffer.concat([Buffer.from(head(host, `Content-Length: ${Math.max(1, body.length >> 1)}\r\n`)), body]) },
    { kind: 'negative Content-Length', bytes: Buffer.concat([Buffer.from(head(host, 'Content-Length: -1\r\n')), body]) },
    { kind: 'two different Content-Lengths', bytes: Buffer.concat([Buffer.from(head(host, `Content-Length: ${body.length}\r\nContent-Length: 3\r\n`)), body]) },
    { kind: 'Content-Length of 2^64', bytes: Buffer.concat([Buffer.from(head(host, 'Content-Length: 18446744073709551616\r\n')), body]) },
    { kind: 'unknown Transfer-Encoding', bytes: Buffer.concat([Buffer.from(head(host, 'Transfer-Encoding: gzip, chunked, x\r\n')), Buffer.from('3\r\nabc\r\n0\r\n\r\n')]) },
    { kind: 'valid chunked framing, random body', bytes: chunked(`40\r\n${random.bytes(64).toString('latin1')}\r\n0\r\n\r\n`) },
  ];
}

/**
 * Sends `bytes` and ends the stream; once the server has closed the connection, resolves with the
 * status of every answer it sent (none when it closed without answering).
 */
export function sendRaw(port: number, bytes: Buffer): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => {
      resolve([...answer.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1])));
    });
    socket.end(bytes);
  });
}
