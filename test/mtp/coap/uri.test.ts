/** coap/coaps URIs for reply-to and controller addresses (RFC 7252 §6.1/§6.2, R-COAP.0, R-COAP.2). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkCoapUri, parseCoapUri } from '../../../src/mtp/coap/uri.ts';

const uri = suite('mtp/coap/uri');

uri('RFC 7252 §6.1 coap URI with host, port and path', () => {
  assert.equal(parseCoapUri('coap://192.0.2.7:6000/usp/ctl'), { secure: false, host: '192.0.2.7', port: 6000, path: ['usp', 'ctl'] });
  assert.equal(parseCoapUri('coaps://ctl.example.com/usp'), { secure: true, host: 'ctl.example.com', port: 5684, path: ['usp'] });
  assert.equal(parseCoapUri('coap://[2001:db8::1]/'), { secure: false, host: '2001:db8::1', port: 5683, path: [] });
});

const BAD = [
  'http://192.0.2.1/usp', 'coap:/192.0.2.1/usp', 'coap://', 'coap://:5683/usp', 'coap://h:0/usp', 'coap://h:70000/usp',
  'coap://h:12a/usp', 'coap://h/usp?x=1', 'coap://h/usp#f', 'coap://u@h/usp', 'coap://[zz]/usp', 'coap://h/a b',
];
for (const bad of BAD) {
  uri(`R-COAP.2 rejects ${JSON.stringify(bad)}`, () => {
    assert.is(parseCoapUri(bad), null);
    const b = Uint8Array.from(bad, (c) => c.charCodeAt(0));
    assert.is(checkCoapUri(b, 0, b.length), -1);
  });
}

uri.run();
