/** R-WS.1/2 WebSocket URIs, R-WS.10b/10c the eid query, R-WS.19 the session retry interval. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeEndpointId, endpointIdOfQuery, parseWsUri, requestTarget } from '../../../src/mtp/websocket/uri.ts';
import { DEFAULT_SESSION_RETRY, sessionRetryDelayMs, sessionRetryRangeS } from '../../../src/mtp/websocket/retry.ts';

const uri = suite('mtp/websocket/uri');

uri('R-WS.1/R-WS.2 ws:// and wss:// URIs: default ports, IPv6, path; others refused', () => {
  assert.equal(parseWsUri('ws://127.0.0.1:8080/usp'), { secure: false, host: '127.0.0.1', port: 8080, path: '/usp' });
  assert.equal(parseWsUri('wss://acs.example.org/usp/agent'), { secure: true, host: 'acs.example.org', port: 443, path: '/usp/agent' });
  assert.equal(parseWsUri('ws://[::1]'), { secure: false, host: '::1', port: 80, path: '/' });
  for (const bad of ['http://x/usp', 'ws://', 'ws://h:0/', 'ws://h:70000/', 'ws://h:x/']) assert.is(parseWsUri(bad), null, bad);
});

uri('R-WS.10c the Endpoint ID is percent-encoded as opaque data: doc::agent%21 → doc%3A%3Aagent%2521, and back', () => {
  assert.is(encodeEndpointId('doc::agent%21'), 'doc%3A%3Aagent%2521');
  assert.is(endpointIdOfQuery(`eid=${encodeEndpointId('doc::agent%21')}`), 'doc::agent%21');
  assert.is(endpointIdOfQuery(`x=1&eid=${encodeEndpointId('os::012345-a b/c')}&y=2`), 'os::012345-a b/c');
  assert.is(endpointIdOfQuery('eid=%E0%A4%A'), undefined, 'bad encoding');
  assert.is(endpointIdOfQuery('x=1'), undefined);
});

uri('R-WS.10b eid= joins any query with "&"', () => {
  assert.is(requestTarget('/usp', 'self::a'), '/usp?eid=self%3A%3Aa');
  assert.is(requestTarget('usp?tenant=3', 'self::a'), '/usp?tenant=3&eid=self%3A%3Aa');
});

const retry = suite('mtp/websocket/retry');

retry('R-WS.19 the default table: #1 5-10 s, #2 10-20 s … #10 and later 2560-5120 s', () => {
  const table = [[5, 10], [10, 20], [20, 40], [40, 80], [80, 160], [160, 320], [320, 640], [640, 1280], [1280, 2560], [2560, 5120]];
  for (let n = 1; n <= 10; n++) assert.equal(sessionRetryRangeS(n, DEFAULT_SESSION_RETRY), table[n - 1], `retry #${n}`);
  assert.equal(sessionRetryRangeS(11, DEFAULT_SESSION_RETRY), [2560, 5120], '#10 and subsequent');
  assert.equal(sessionRetryRangeS(1e9, DEFAULT_SESSION_RETRY), [2560, 5120]);
});

retry('R-WS.19 m and k from the data model; the wait is uniform in the range', () => {
  const c = { minimumWaitS: 3, intervalMultiplier: 1500 };
  assert.equal(sessionRetryRangeS(3, c), [6.75, 10.125]);
  assert.is(sessionRetryDelayMs(1, c, () => 0), 3000);
  assert.is(sessionRetryDelayMs(1, c, () => 0.5), 3750);
  assert.is(sessionRetryDelayMs(2, DEFAULT_SESSION_RETRY, () => 0.999999), 19_999);
});

uri.run();
retry.run();
