import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { commandBody, eventually, payloadBody, signedRequest, viewSubmission } from '../support/slack.js';
import { figure } from './figures.js';
import { ADMIN_ID, type Rig, rawRequest, startRig } from './harness.js';

// Defect 2: PostgreSQL that stops answering (SIGSTOP, a network partition) used to hang /readyz for
// 15 s+ and get Slack Bolt's 404 after 3 s. The app here reaches PostgreSQL through a local TCP
// proxy that can stop forwarding bytes and start again; the shared server itself is never touched.
// Runs on the local PostgreSQL server in both suites (TEST_DATABASE_URL, else the CI default).
const BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** How long to keep PostgreSQL frozen; past DB_TIMEOUTS.queryMs (35 s) queries time out client-side. */
const FREEZE_MS = Number(process.env.FREEZE_MS ?? 0);

interface FreezableProxy {
  url: string;
  freeze(): void;
  thaw(): void;
  /** Drops every connection and refuses new ones (as a server that is down), until `thaw`. */
  cut(): void;
  close(): Promise<void>;
}

/** Forwards TCP to PostgreSQL; frozen, it holds every byte in both directions (as a stopped server). */
async function freezableProxy(target: URL): Promise<FreezableProxy> {
  let frozen = false;
  let down = false;
  const held: [net.Socket, Buffer][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const forward = (from: net.Socket, to: net.Socket) => {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => (frozen ? held.push([to, chunk]) : to.write(chunk)));
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    };
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    freeze: () => {
      frozen = true;
    },
    cut: () => {
      down = true;
      for (const s of sockets) s.destroy();
    },
    thaw: () => {
      frozen = false;
      down = false;
      for (const [to, chunk] of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let rig: Rig;
let proxy: FreezableProxy;
let database: DatabaseHandle;
const dbName = `freeze_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  await c.query(sql);
  await c.end();
}

beforeAll(async () => {
  await admin(`create database ${dbName}`);
  const target = new URL(BASE_URL);
  target.pathname = `/${dbName}`;
  proxy = await freezableProxy(target);
  database = await openDatabase({ url: proxy.url, poolSize: 10 });
  rig = await startRig({ database });
});
afterAll(async () => {
  proxy?.thaw();
  await rig?.close();
  await database?.close();
  await proxy?.close();
  await admin(`drop database if exists ${dbName} with (force)`);
});

/** A request with a deadline of its own, so a hanging answer fails the test instead of stalling it. */
async function timedGet(path: string, deadlineMs = 5_000): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const r = await Promise.race([
    rawRequest(`${rig.app.server!.url}${path}`, { method: 'GET' }),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${path}: no answer in ${deadlineMs} ms`)), deadlineMs),
    ),
  ]);
  return { status: r.status, ms: Date.now() - started };
}

const list = (responseUrl: string) =>
  signedRequest(rig.app, commandBody({ text: 'list', userId: ADMIN_ID, responseUrl }));

describe('PostgreSQL stops answering (defect 2)', () => {
  it(
    '/readyz says 503 in time, Slack gets a polite 200, and all recovers without a restart',
    async () => {
      expect((await timedGet('/readyz')).status).toBe(200);
      const warm = rig.slack.responseUrl();
      expect((await list(warm.url)).status).toBe(200); // the admin's email is now cached, as in real use

      proxy.freeze();
      const frozenAt = Date.now();
      const ready = await timedGet('/readyz');
      expect(ready.status).toBe(503);
      // The issue's bound (and Kubernetes' default probe timeout): 503 within 1 s.
      expect(ready.ms).toBeLessThan(1_000);

      const started = Date.now();
      const during = rig.slack.responseUrl();
      const ack = await Promise.race([
        list(during.url),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no ack within 5 s')), 5_000)),
      ]);
      const ackMs = Date.now() - started;
      // Acknowledged first: nothing waits on the database before the ack, frozen or not.
      expect(ack.status).toBe(200);
      expect(await ack.text()).toBe('');
      let slowestReadyzMs = ready.ms;
      while (Date.now() - frozenAt < FREEZE_MS) {
        const probe = await timedGet('/readyz');
        expect(probe.status).toBe(503);
        expect(probe.ms).toBeLessThan(1_000);
        slowestReadyzMs = Math.max(slowestReadyzMs, probe.ms);
        await new Promise((r) => setTimeout(r, 2_000));
      }
      const frozenMs = Date.now() - frozenAt;

      proxy.thaw();
      const thawedAt = Date.now();
      await eventually(async () => expect((await timedGet('/readyz')).status).toBe(200), 30_000);
      const recoveryMs = Date.now() - thawedAt;

      // The command sent while frozen is answered once the database is back (or told it failed).
      const late = await eventually(
        () => rig.slack.respondedTo(during.id).at(-1) ?? Promise.reject(new Error('none')),
        45_000,
      );
      expect(JSON.stringify(late)).toMatch(/admin@example\.com|The database did not answer/);
      const after = rig.slack.responseUrl();
      const r = await list(after.url);
      expect(r.status).toBe(200);
      const shown = await eventually(() => rig.slack.respondedTo(after.id)[0] ?? Promise.reject(new Error('none')));
      expect(JSON.stringify(shown)).toContain('admin@example.com');
      figure('db freeze', 'PostgreSQL behind a frozen proxy', {
        readyzMsWhileFrozen: ready.ms,
        slowestReadyzMs,
        readyzStatus: ready.status,
        slackAckMsWhileFrozen: ackMs,
        slackAckStatus: ack.status,
        frozenForMs: frozenMs,
        recoveryMsAfterThaw: recoveryMs,
      });
    },
    60_000 + FREEZE_MS,
  );

  it('PostgreSQL down: a command and an invite-modal submit get a polite 200, not Bolt’s 500', async () => {
    proxy.cut();
    try {
      const answer = rig.slack.responseUrl();
      const command = await list(answer.url);
      expect(command.status).toBe(200);
      expect(await command.text()).toBe('');
      // Then, through the response_url, the reason in words: nothing was changed, try again.
      const told = await eventually(
        () => rig.slack.respondedTo(answer.id)[0] ?? Promise.reject(new Error('none')),
        45_000,
      );
      expect(JSON.stringify(told)).toMatch(/The database did not answer, so nothing was changed/);
      const modal = await signedRequest(
        rig.app,
        payloadBody(
          viewSubmission(
            {
              callbackId: CALLBACK.inviteModal,
              values: {
                [BLOCK.inviteEmails]: {
                  [ACTION.inviteEmails]: { type: 'plain_text_input', value: 'down@example.com' },
                },
              },
            },
            ADMIN_ID,
          ),
        ),
      );
      // The form closes at once (valid input needs no database); the refusal follows by DM.
      expect(modal.status).toBe(200);
      expect(await modal.text()).toBe('');
      const dm = await eventually(
        () =>
          rig.slack.callsTo('chat.postMessage').find((m) => JSON.stringify(m).includes('database did not answer')) ??
          Promise.reject(new Error('none')),
        45_000,
      );
      expect(dm).toBeTruthy();
      figure('db freeze', 'PostgreSQL down', { commandStatus: command.status, modalStatus: modal.status });
    } finally {
      proxy.thaw();
    }
    await eventually(async () => expect((await timedGet('/readyz')).status).toBe(200), 30_000);
  }, 60_000);
});
