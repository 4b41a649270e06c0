/**
 * Topic rules the USP binding needs: Topic Filter matching (MQTT 5.0 §4.7, 3.1.1
 * §4.7) to decide whether a "reply to" Topic is already covered by a subscription
 * (R-MQTT.15), and the MQTT 3.1.1 "/reply-to=" Topic Name suffix (R-MQTT.24, R-MQTT.25).
 */

/** True when Topic Name `topic` matches Topic Filter `filter` ('+' one level, '#' the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i]!;
    if (level === '#') return i < t.length || i === t.length;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

const REPLY_TO = '/reply-to=';

/** R-MQTT.24: `topic` + "/reply-to=" + replyTo with every "/" written "%2F". */
export function withReplyTo(topic: string, replyTo: string): string {
  return topic + REPLY_TO + replyTo.split('/').join('%2F');
}

/**
 * R-MQTT.25: the reply Topic after the last "/reply-to=" with "%2F" turned back into
 * "/", or undefined when the Topic Name has none (a version mismatch, R-MQTT.26a).
 */
export function replyToOf(topicName: string): string | undefined {
  const at = topicName.lastIndexOf(REPLY_TO);
  if (at < 0) return undefined;
  const encoded = topicName.slice(at + REPLY_TO.length);
  return encoded.length === 0 ? undefined : encoded.split('%2F').join('/');
}
