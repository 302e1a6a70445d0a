import type { AddressInfo } from 'node:net';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { type WebSocket, WebSocketServer } from 'ws';
import { SLACK_API_URL } from './app.js';

/**
 * A local stand-in for Slack's Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode):
 * `apps.connections.open` (msw, under SLACK_API_URL, app-level token only) hands out a fresh
 * `ws://127.0.0.1:PORT/link/?ticket=N` URL; the WebSocket server says `hello` on each connection,
 * sends envelopes `{ envelope_id, type, payload, accepts_response_payload }`, and records the
 * app's acks `{ envelope_id, payload? }`. It can drop the socket or ask for a refresh, as Slack does.
 */
export const APP_TOKEN = 'xapp-1-A0APP-1-fake';

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface SocketModeFake {
  /** msw handler for apps.connections.open. */
  handler: HttpHandler;
  /** Tokens that called apps.connections.open, in order. */
  opens: string[];
  /** Each WebSocket the app opened, with the URL path it used. */
  connections: { socket: WebSocket; url: string }[];
  acks: Ack[];
  /** Sends an envelope on the newest connection; returns its envelope_id. */
  send(type: 'slash_commands' | 'interactive' | 'events_api', payload: unknown): string;
  ackOf(envelopeId: string): Ack | undefined;
  /** Slack's routine recycling: a `disconnect` message, then the app reconnects by itself. */
  askToReconnect(reason?: string): void;
  /** The connection just dies (no close frame), as when a network path drops. */
  drop(): void;
  close(): Promise<void>;
}

let envelopes = 0;

export async function startSocketModeFake(): Promise<SocketModeFake> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const opens: string[] = [];
  const connections: SocketModeFake['connections'] = [];
  const acks: Ack[] = [];

  server.on('connection', (socket, request) => {
    connections.push({ socket, url: request.url ?? '' });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Ack;
      if (typeof message.envelope_id === 'string') acks.push(message);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'applink-fake', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0APP' },
      }),
    );
  });

  const handler = http.post(`${SLACK_API_URL}/apps.connections.open`, ({ request }) => {
    const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    opens.push(token);
    // Only an app-level token may open a connection; a bot token gets Slack's answer.
    if (!token.startsWith('xapp-')) return HttpResponse.json({ ok: false, error: 'not_allowed_token_type' });
    return HttpResponse.json({ ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${opens.length}&app_id=A0APP` });
  });

  const newest = (): WebSocket => {
    const last = connections.at(-1);
    if (!last) throw new Error('the app has not connected');
    return last.socket;
  };

  return {
    handler,
    opens,
    connections,
    acks,
    send(type, payload) {
      envelopes += 1;
      const id = `env-${envelopes}-${Math.random().toString(36).slice(2, 10)}`;
      newest().send(
        JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: type !== 'events_api' }),
      );
      return id;
    },
    ackOf: (id) => acks.find((a) => a.envelope_id === id),
    askToReconnect(reason = 'refresh_requested') {
      newest().send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } }));
    },
    drop() {
      newest().terminate();
    },
    close: async () => {
      for (const { socket } of connections) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
