import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EndpointIdError as E, endpointIdFromUrn, validateEndpointId } from '../../src/usp/endpoint-id.ts';

const eid = suite('usp/endpoint-id');

eid('R-ARC.2a accepts the spec examples of every scheme', () => {
  for (const id of [
    'oui:00256D:my-unique-bbf-id-42', 'cid:3AA3F8:my-unique-usp-id-42', 'pen:3561:my-unique-bbf-id-42',
    'self::my-Agent', 'os::00256D-0123456789', 'ops::00256D-STB-0123456789',
    'uuid::f81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'imei::990000862471854', 'proto::my-Agent', 'fqdn::www.example.org',
  ]) assert.is(validateEndpointId(id), E.Ok, id);
});

eid('R-ARC.2a rejects authority-ids of the wrong form', () => {
  assert.is(validateEndpointId('oui:00256:x'), E.AuthorityId);
  assert.is(validateEndpointId('cid:3AA3F8Z:x'), E.AuthorityId);
  assert.is(validateEndpointId('pen:35a1:x'), E.AuthorityId);
  assert.is(validateEndpointId('os:00256D:00256D-1'), E.AuthorityId);
  assert.is(validateEndpointId('self:toolongx:x'), E.AuthorityId);
  assert.is(validateEndpointId('proto:a.b:x'), E.AuthorityId);
});

eid('R-ARC.2a scheme-specific instance-ids', () => {
  assert.is(validateEndpointId('os::0025-123'), E.InstanceIdForm);
  assert.is(validateEndpointId('ops::00256D-123'), E.InstanceIdForm);
  assert.is(validateEndpointId('uuid::f81d4fae7dec11d0a76500a0c91e6bf6'), E.InstanceIdForm);
  assert.is(validateEndpointId('imei::99000'), E.InstanceIdForm);
  assert.is(validateEndpointId('self::'), E.InstanceIdForm);
});

eid('R-ARC.5 instance-id is unreserved / pct-encoded', () => {
  assert.is(validateEndpointId('self::a%2Fb'), E.Ok);
  assert.is(validateEndpointId('self::a/b'), E.InstanceIdCharacters);
  assert.is(validateEndpointId('self::a%2'), E.InstanceIdCharacters);
  assert.is(validateEndpointId('self::a~b'), E.InstanceIdCharacters);
});

eid('R-ARC.6 instance-id at most 50 characters', () => {
  assert.is(validateEndpointId('self::' + 'a'.repeat(50)), E.Ok);
  assert.is(validateEndpointId('self::' + 'a'.repeat(51)), E.InstanceIdLength);
});

eid('syntax and unknown schemes', () => {
  assert.is(validateEndpointId('oui'), E.Syntax);
  assert.is(validateEndpointId(':a:b'), E.Syntax);
  assert.is(validateEndpointId('foo::bar'), E.UnknownScheme);
});

eid('§EID certificate URN form', () => {
  assert.is(endpointIdFromUrn('urn:bbf:usp:id:self::ctl'), 'self::ctl');
  assert.is(endpointIdFromUrn('https://example.org'), undefined);
});

eid.run();
