/** Topic Filter matching (MQTT 5.0 §4.7) and the 3.1.1 "/reply-to=" convention (R-MQTT.24, R-MQTT.25). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { replyToOf, topicMatches, withReplyTo } from '../../src/mqtt/topic.ts';

const topic = suite('mqtt/topic');

topic('MQTT 5.0 §4.7.1 wildcards: "#" matches the parent level too, "+" exactly one level', () => {
  assert.ok(topicMatches('sport/tennis/player1/#', 'sport/tennis/player1'));
  assert.ok(topicMatches('sport/tennis/player1/#', 'sport/tennis/player1/ranking/wimbledon'));
  assert.ok(topicMatches('sport/#', 'sport'));
  assert.ok(topicMatches('#', 'a/b'));
  assert.ok(topicMatches('sport/+/player1', 'sport/tennis/player1'));
  assert.not.ok(topicMatches('sport/+', 'sport/tennis/player1'));
  assert.ok(topicMatches('+/+', '/finance'));
  assert.not.ok(topicMatches('a/b', 'a/b/c'));
});

topic('R-MQTT.24 the TR-369 example Topic Name; R-MQTT.25 the reply Topic comes back with "/"', () => {
  const name = withReplyTo('usp/agents/cid:3AA3F8:my-unique-usp-id-42', 'usp/controllers/oui:00256D:my-unique-bbf-id-42');
  assert.is(name, 'usp/agents/cid:3AA3F8:my-unique-usp-id-42/reply-to=usp%2Fcontrollers%2Foui:00256D:my-unique-bbf-id-42');
  assert.is(replyToOf(name), 'usp/controllers/oui:00256D:my-unique-bbf-id-42');
  assert.is(replyToOf('usp/agents/x'), undefined, 'R-MQTT.26a no reply-to');
  assert.is(replyToOf('a/reply-to=b/reply-to=c%2Fd'), 'c/d', 'the last "/reply-to="');
});

topic.run();
