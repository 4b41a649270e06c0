/** Public surface of the HTTP/1.1 download client core (sans-I/O). */
export { parseHttpUrl, resolveLocation, type HttpUrl } from './url.ts';
export { HttpGet, GetState, GetFailure, type HttpGetConfig, type GetSink } from './get.ts';
export { ResponseParser, ParseError, type ResponseHead, type ResponseSink } from './response-parser.ts';
export { answerChallenges, basicAuthorization, digestAuthorization, parseChallenges, base64, hex, type Challenge, type DigestInput } from './auth.ts';
export { writeGetRequest, type GetHeaders } from './request.ts';
