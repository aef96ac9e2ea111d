/**
 * The access rules of both listeners by their literal values (API.md, "Access: Host, Origin and token"; http/guard.ts,
 * http/auth.ts): which Host names are loopback, how a Host header is read, what the 421 and 403 messages list for
 * loopback, a named and a wildcard bind address, how the bearer header and the viewer's cookie are read, the 401
 * message and header, and the viewer's `?token=` first load. Pure functions on header values (no sockets).
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { bearerToken, checkBearer, checkViewerToken, cookieToken, tokensEqual, unauthorized } from '../../packages/otel-local/src/http/auth';
import { checkHost, checkOrigin, guardRequest, hostNameOf, isLoopbackHost } from '../../packages/otel-local/src/http/guard';

const TOKEN = 'correct-horse-battery-staple';

function requestWith(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

/** A response that records the headers set on it. */
function recordingResponse(): ServerResponse & { recorded: Record<string, string> } {
  const recorded: Record<string, string> = {};
  return {
    recorded,
    setHeader(name: string, value: string) {
      recorded[name] = value;
      return this;
    },
  } as unknown as ServerResponse & { recorded: Record<string, string> };
}

const REBINDING = '(with or without port); other names are refused to protect against DNS rebinding';

describe('Host header (guard.ts)', () => {
  it('loopback names: localhost, *.localhost, 127.0.0.0/8, ::1, with brackets, case or a trailing dot', () => {
    for (const host of ['localhost', 'LocalHost', 'localhost.', 'app.localhost', 'a.b.LOCALHOST', '127.0.0.1', '127.255.3.4', '127.0.0.1.', '::1', '[::1]', '0:0:0:0:0:0:0:1', '[0:0:0:0:0:0:0:1]']) {
      assert.equal(isLoopbackHost(host), true, host);
    }
    for (const host of ['', 'notlocalhost', 'localhost.example', 'localhost:3000', '128.0.0.1', '127.0.0', '127.0.0.1.example', '::2', '[::2]', '0.0.0.0', '::', 'example.com', '10.0.0.1']) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });

  it('the host name of a Host header: port dropped, lowercase, IPv6 without brackets', () => {
    assert.equal(hostNameOf('LocalHost:3000'), 'localhost');
    assert.equal(hostNameOf(' Example.COM '), 'example.com');
    assert.equal(hostNameOf('[::1]:4318'), '::1');
    assert.equal(hostNameOf('[::1]'), '::1');
    assert.equal(hostNameOf('[::1'), '[::1', 'no closing bracket: taken as it is');
    assert.equal(hostNameOf('127.0.0.1'), '127.0.0.1');
    assert.equal(hostNameOf('a:b:c'), 'a');
  });

  it('bound to loopback: loopback names pass, anything else is 421 listing the loopback names only', () => {
    for (const host of ['localhost:4318', '127.0.0.1', '127.1.2.3:80', '[::1]:4318', 'app.localhost:3000']) assert.equal(checkHost(host, '127.0.0.1'), undefined, host);
    assert.deepEqual(checkHost('evil.example:4318', '127.0.0.1'), {
      status: 421,
      message: `Host header is not allowed (actual: "evil.example:4318"), expected localhost, 127.0.0.1, [::1], *.localhost ${REBINDING}`,
    });
    assert.deepEqual(checkHost(undefined, 'localhost'), {
      status: 421,
      message: `Host header is not allowed (actual: "none"), expected localhost, 127.0.0.1, [::1], *.localhost ${REBINDING}`,
    });
    assert.equal(checkHost('', '127.0.0.1')?.status, 421, 'an empty Host is refused');
    assert.equal(checkHost('10.0.0.1', '127.0.0.1')?.status, 421, 'an IP literal is refused unless bound to a wildcard');
  });

  it('bound to a named address: that name passes too and is listed', () => {
    assert.equal(checkHost('192.168.1.5:4318', '192.168.1.5'), undefined);
    assert.equal(checkHost('MyBox.lan', 'mybox.lan'), undefined);
    assert.equal(checkHost('[fe80::1]:4318', '[FE80::1]'), undefined);
    assert.deepEqual(checkHost('other.lan', '192.168.1.5'), {
      status: 421,
      message: `Host header is not allowed (actual: "other.lan"), expected localhost, 127.0.0.1, [::1], *.localhost, 192.168.1.5 ${REBINDING}`,
    });
    assert.equal(checkHost('10.0.0.1', '192.168.1.5')?.status, 421);
  });

  it('bound to a wildcard: any IP literal passes, names do not, and the message says so', () => {
    for (const wildcard of ['0.0.0.0', '::', '[::]']) {
      for (const host of ['10.1.2.3:4318', '192.168.0.7', '[fe80::1]:4318', 'localhost']) assert.equal(checkHost(host, wildcard), undefined, `${host} on ${wildcard}`);
      assert.deepEqual(checkHost('rebound.example', wildcard), {
        status: 421,
        message: `Host header is not allowed (actual: "rebound.example"), expected localhost, 127.0.0.1, [::1], *.localhost, an IP address of this machine ${REBINDING}`,
      });
    }
  });

  it('the actual Host is quoted and cut at 200 characters', () => {
    const long = 'h'.repeat(300);
    const refusal = checkHost(long, '127.0.0.1')!;
    assert.ok(refusal.message.startsWith(`Host header is not allowed (actual: "${'h'.repeat(200)}"), expected`), refusal.message.slice(0, 260));
    assert.equal(checkHost('say"hi', '127.0.0.1')!.message.includes('(actual: "say\\"hi")'), true);
  });
});

describe('Origin header (guard.ts)', () => {
  const refused = (origin: string) => ({
    status: 403,
    message: `cross-site request refused (actual: Origin ${JSON.stringify(origin)}), expected no Origin, a loopback origin or this server's own origin`,
  });

  it('absent, loopback (http or https) or this server itself passes', () => {
    assert.equal(checkOrigin(undefined, 'localhost:4318'), undefined);
    for (const origin of ['http://localhost:3000', 'https://app.localhost', 'http://127.0.0.1:9', 'http://[::1]:3000']) assert.equal(checkOrigin(origin, 'evil.example'), undefined, origin);
    assert.equal(checkOrigin('http://mybox.lan:16686', 'MyBox.lan:16686 '), undefined, 'own origin: host equals the Host header');
  });

  it('anything else is 403: another site, null, not a URL, another scheme, no Host to compare with', () => {
    assert.deepEqual(checkOrigin('https://evil.example', 'localhost:4318'), refused('https://evil.example'));
    assert.deepEqual(checkOrigin('null', 'localhost:4318'), refused('null'));
    assert.deepEqual(checkOrigin('not a url', 'localhost:4318'), refused('not a url'));
    assert.deepEqual(checkOrigin('ftp://localhost', 'localhost'), refused('ftp://localhost'));
    assert.deepEqual(checkOrigin('http://mybox.lan:16686', undefined), refused('http://mybox.lan:16686'));
    assert.deepEqual(checkOrigin('http://mybox.lan:16686', 'mybox.lan:4318'), refused('http://mybox.lan:16686'), 'same name, other port');
    const long = `https://${'o'.repeat(300)}.example`;
    assert.equal(checkOrigin(long, 'localhost')!.message, refused(long.slice(0, 200)).message);
  });

  it('the Host check comes first', () => {
    assert.equal(guardRequest({ host: 'evil.example', origin: 'https://evil.example' }, '127.0.0.1')?.status, 421);
    assert.equal(guardRequest({ host: 'localhost', origin: 'https://evil.example' }, '127.0.0.1')?.status, 403);
    assert.equal(guardRequest({ host: 'localhost', origin: 'http://localhost:3000' }, '127.0.0.1'), undefined);
    assert.equal(guardRequest({ host: 'localhost' }, '127.0.0.1'), undefined);
  });
});

describe('token (auth.ts)', () => {
  it('tokens compare equal only when identical', () => {
    assert.equal(tokensEqual(TOKEN, TOKEN), true);
    assert.equal(tokensEqual(TOKEN, `${TOKEN}x`), false);
    assert.equal(tokensEqual(TOKEN.toUpperCase(), TOKEN), false);
    assert.equal(tokensEqual('', TOKEN), false);
  });

  it('reads `Authorization: Bearer <token>` (any case, spaces around), nothing else', () => {
    assert.equal(bearerToken(requestWith({ authorization: `Bearer ${TOKEN}` })), TOKEN);
    assert.equal(bearerToken(requestWith({ authorization: `bearer   ${TOKEN}  ` })), TOKEN);
    assert.equal(bearerToken(requestWith({ authorization: `BEARER ${TOKEN}` })), TOKEN);
    for (const authorization of [`Bearer${TOKEN}`, `Bearer ${TOKEN} extra`, `Basic ${TOKEN}`, `xBearer ${TOKEN}`, 'Bearer ', 'Bearer\t' + TOKEN]) {
      assert.equal(bearerToken(requestWith({ authorization })), undefined, authorization);
    }
    assert.equal(bearerToken(requestWith({})), undefined);
  });

  it('reads the viewer cookie otel_local_token among others', () => {
    assert.equal(cookieToken(requestWith({ cookie: `a=1; otel_local_token=${TOKEN} ; b=2` })), TOKEN);
    assert.equal(cookieToken(requestWith({ cookie: ' otel_local_token = v=w' })), 'v=w', 'the value runs to the end of its part');
    assert.equal(cookieToken(requestWith({ cookie: 'otel_local_tokenx=1; xotel_local_token=2; otel_local_token' })), undefined);
    assert.equal(cookieToken(requestWith({ cookie: 'otel_local_tokenX; a=b' })), undefined, 'a part without = has no value');
    assert.equal(cookieToken(requestWith({})), undefined);
  });

  it('401: WWW-Authenticate: Bearer realm="otel-local", "missing token" or "wrong token"', () => {
    const missing = recordingResponse();
    assert.equal(
      unauthorized(requestWith({}), missing, 'X'),
      'missing token (actual: none), expected X; the collector listens off loopback, so it requires the token printed at start (or set with --token / COLLECTOR_TOKEN)',
    );
    assert.deepEqual(missing.recorded, { 'WWW-Authenticate': 'Bearer realm="otel-local"' });
    assert.equal(
      unauthorized(requestWith({ authorization: 'Bearer nope' }), recordingResponse(), 'X'),
      'wrong token (actual: a token that does not match), expected X; the collector listens off loopback, so it requires the token printed at start (or set with --token / COLLECTOR_TOKEN)',
    );
    assert.match(unauthorized(requestWith({ cookie: 'otel_local_token=nope' }), recordingResponse(), 'X'), /^wrong token /);
  });

  it('the receiver takes the bearer header only, never the cookie', () => {
    assert.equal(checkBearer(requestWith({}), recordingResponse(), undefined), undefined, 'no token required');
    assert.equal(checkBearer(requestWith({ authorization: `Bearer ${TOKEN}` }), recordingResponse(), TOKEN), undefined);
    const cookieOnly = recordingResponse();
    assert.equal(
      checkBearer(requestWith({ cookie: `otel_local_token=${TOKEN}` }), cookieOnly, TOKEN),
      'wrong token (actual: a token that does not match), expected Authorization: Bearer <token> (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>); the collector listens off loopback, so it requires the token printed at start (or set with --token / COLLECTOR_TOKEN)',
    );
    assert.equal(cookieOnly.recorded['WWW-Authenticate'], 'Bearer realm="otel-local"');
    assert.match(checkBearer(requestWith({ authorization: 'Bearer wrong' }), recordingResponse(), TOKEN)!, /^wrong token /);
    assert.match(checkBearer(requestWith({}), recordingResponse(), TOKEN)!, /^missing token \(actual: none\), expected Authorization: Bearer <token> \(OTEL_EXPORTER/);
  });

  it('the query server: ?token= sets the HttpOnly SameSite=Strict cookie and is removed from the URL; bearer and cookie pass', () => {
    const url = new URL(`http://localhost:16686/api/summaries?limit=5&token=${TOKEN}`);
    const first = recordingResponse();
    assert.equal(checkViewerToken(requestWith({}), first, url, TOKEN), undefined);
    assert.equal(url.search, '?limit=5');
    assert.deepEqual(first.recorded, { 'Set-Cookie': `otel_local_token=${TOKEN}; Path=/; HttpOnly; SameSite=Strict` });
    const special = 'tok en;=%/+&0123456789';
    const encoded = recordingResponse();
    assert.equal(checkViewerToken(requestWith({}), encoded, new URL(`http://localhost/?token=${encodeURIComponent(special)}`), special), undefined);
    assert.equal(encoded.recorded['Set-Cookie'], `otel_local_token=${encodeURIComponent(special)}; Path=/; HttpOnly; SameSite=Strict`);
    assert.equal(checkViewerToken(requestWith({ cookie: `otel_local_token=${encodeURIComponent(special)}` }), recordingResponse(), new URL('http://localhost/'), special), undefined, 'the cookie is decoded');
    const raw = '%zz-not-percent-encoded-token';
    assert.equal(checkViewerToken(requestWith({ cookie: `otel_local_token=${raw}` }), recordingResponse(), new URL('http://localhost/'), raw), undefined, 'a cookie that does not decode is compared as it is');
    assert.equal(checkViewerToken(requestWith({ authorization: `Bearer ${TOKEN}` }), recordingResponse(), new URL('http://localhost/'), TOKEN), undefined);
    assert.equal(checkViewerToken(requestWith({}), recordingResponse(), new URL('http://localhost/?token=x'), undefined), undefined, 'no token required');
  });

  it('the query server: a wrong ?token= is removed and sets nothing; without a valid one, 401 says how to pass it', () => {
    const url = new URL('http://localhost:16686/?token=wrong&x=1');
    const response = recordingResponse();
    assert.equal(
      checkViewerToken(requestWith({}), response, url, TOKEN),
      'missing token (actual: none), expected Authorization: Bearer <token>, or open the viewer once as /?token=<token>; the collector listens off loopback, so it requires the token printed at start (or set with --token / COLLECTOR_TOKEN)',
    );
    assert.equal(url.search, '?x=1');
    assert.deepEqual(response.recorded, { 'WWW-Authenticate': 'Bearer realm="otel-local"' });
    assert.match(checkViewerToken(requestWith({ cookie: 'otel_local_token=wrong' }), recordingResponse(), new URL('http://localhost/'), TOKEN)!, /^wrong token /);
    assert.match(checkViewerToken(requestWith({ authorization: 'Bearer wrong' }), recordingResponse(), new URL('http://localhost/'), TOKEN)!, /^wrong token /);
  });
});
