import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getResponse } from 'msw';
import { POSTMARK_URL, type PostmarkFake } from './postmark.js';

export interface PostmarkServer {
  /** Give it to the app as POSTMARK_API_URL. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a `postmarkFake()` over real HTTP on 127.0.0.1, for app processes msw cannot reach (a child
 * process in a crash test). The fake lives in the test process, so what it accepted outlives the app.
 */
export async function servePostmarkFake(fake: PostmarkFake): Promise<PostmarkServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
        const request = new Request(new URL(req.url ?? '/', POSTMARK_URL), {
          method: req.method ?? 'GET',
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        });
        const response = await getResponse(fake.handlers, request);
        // No handler, or a scripted network error: drop the connection as a broken network would.
        if (!response || response.type === 'error') return void res.destroy();
        const out: Record<string, string> = {};
        response.headers.forEach((v, k) => {
          out[k] = v;
        });
        res.writeHead(response.status, out);
        res.end(Buffer.from(await response.arrayBuffer()));
      })().catch(() => res.destroy());
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      // A held answer never ends its request; its connection must not keep close() waiting.
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
