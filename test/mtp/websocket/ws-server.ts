/**
 * Test peer: a Controller's WebSocket server made of the npm `ws` package (over
 * node:http, or node:https for wss) answering `v1.usp` and no extension (TP-469 7.11);
 * every upgrade request is timed and can be refused (403) to script TP-469 7.8.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { WsController } from './ws-controller.ts';

export interface TestServer {
  readonly port: number;
  /** Times (performance.now()) of every upgrade request, accepted or not. */
  readonly attempts: number[];
  /** Request-targets of the upgrade requests. */
  readonly urls: string[];
  accepting: boolean;
  readonly sessions: WsController[];
  next(ms?: number): Promise<WsController>;
  close(): Promise<void>;
}

/** A `ws` server for Controller `ctlId` that answers v1.usp (and no extension, TP-469 7.11). */
export async function startTestServer(ctlId: string, agentId: string, make = createServer, port = 0): Promise<TestServer> {
  const http = make();
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (p) => (p.has('v1.usp') ? 'v1.usp' : false),
    verifyClient: (info: { req: IncomingMessage }, cb: (ok: boolean, code?: number) => void) => {
      t.attempts.push(performance.now());
      t.urls.push(info.req.url ?? '');
      cb(t.accepting, 403);
    },
  });
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', () => r()));
  let wake: (() => void) | undefined;
  const t: TestServer = {
    port: (http.address() as AddressInfo).port, attempts: [], urls: [], accepting: true, sessions: [],
    async next(ms = 10000) {
      const until = Date.now() + ms;
      while (t.sessions.length === 0) {
        if (Date.now() > until) throw new Error('no session from the agent');
        await new Promise<void>((r) => { wake = r; setTimeout(r, 50); });
      }
      return t.sessions.shift()!;
    },
    close: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(); http.close(() => r()); }),
  };
  wss.on('connection', (ws: WebSocket) => { t.sessions.push(new WsController(ws, ctlId, agentId)); wake?.(); });
  return t;
}

