import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/ids.js';
import { ADMIN, SLACK_API_URL, startTestApp, type TestApp } from '../../support/app.js';
import { blockAction, commandBody, eventually, slackFake, startMsw } from '../../support/slack.js';
import { APP_TOKEN, type SocketModeFake, startSocketModeFake } from '../../support/socket-mode.js';
import { ADMIN_ID } from './helpers.js';

/**
 * Socket Mode end to end: the real app (Bolt's SocketModeReceiver) against a local fake of Slack's
 * WebSocket side. What is checked will hold whichever way listeners answer: every envelope is
 * acked by its envelope_id, and the /users list reaches the admin, inside the ack (answered in the
 * ack) or afterwards through the command's response_url (acknowledge first).
 */
const fake = slackFake();
let socket: SocketModeFake;
let msw: ReturnType<typeof startMsw>;
let app: TestApp;

// The client waits its ping timeout (5 s) before reconnecting; allow for it.
const RECONNECT_MS = 20_000;

type Obj = Record<string, any>;

beforeAll(async () => {
  socket = await startSocketModeFake();
  msw = startMsw(...fake.handlers, socket.handler);
  fake.users.set(ADMIN_ID, ADMIN);
  app = await startTestApp({ slack: true, env: { SLACK_APP_TOKEN: APP_TOKEN } });
});
afterAll(async () => {
  await app?.close();
  await socket?.close();
  msw?.close();
});

/** `/users <text>` over the socket: the envelope id and the response_url id it carries. */
function slashCommand(text: string) {
  const { url, id } = fake.responseUrl();
  const payload = Object.fromEntries(new URLSearchParams(commandBody({ text, userId: ADMIN_ID, responseUrl: url })));
  return { envelopeId: socket.send('slash_commands', payload), respondId: id, responseUrl: url };
}

/** The list the admin sees: the ack's payload, or the first message posted to the response_url. */
async function listSeen(envelopeId: string, respondId: number): Promise<Obj> {
  return eventually(() => {
    const ack = socket.ackOf(envelopeId);
    if (!ack) throw new Error('not acked yet');
    // Acknowledge first: the ack is empty, the list follows through the response_url.
    expect(ack.payload ?? {}).toEqual({});
    const answer = fake.respondedTo(respondId).find((m) => m.blocks);
    if (!answer) throw new Error('no list yet');
    return answer;
  });
}

describe('Socket Mode', () => {
  it('opens the connection with the app-level token and a URL from apps.connections.open', () => {
    expect(app.server?.slack?.mode).toBe('socket');
    expect(socket.opens).toEqual([APP_TOKEN]);
    expect(socket.connections.map((c) => c.url)).toEqual(['/link/?ticket=1&app_id=A0APP']);
  });

  it('acks a slash_commands envelope, and the /users list reaches the admin', async () => {
    const { envelopeId, respondId } = slashCommand('');
    const list = await listSeen(envelopeId, respondId);
    expect(list.response_type).toBe('ephemeral');
    expect(list.blocks[0].text.text).toContain('*Users of Acme Marketplace*');
    expect(JSON.stringify(list.blocks)).toContain(ADMIN);
  });

  it('acks an interactive envelope (a block_actions click), then answers it', async () => {
    const { envelopeId, respondId, responseUrl } = slashCommand('list active');
    const list = await listSeen(envelopeId, respondId);
    const row = (list.blocks as Obj[]).find((b) => String(b.block_id).startsWith('user_row:'));
    const history = row?.accessory;
    expect(history?.action_id).toBe(ACTION.userHistory);

    const clickId = socket.send(
      'interactive',
      blockAction(
        { type: 'button', action_id: history.action_id, value: history.value, text: history.text },
        { userId: ADMIN_ID, responseUrl },
      ),
    );
    // A click is acknowledged with nothing in it: the answer comes afterwards.
    const ack = await eventually(() => socket.ackOf(clickId) ?? Promise.reject(new Error('not acked yet')));
    expect(ack.payload ?? {}).toEqual({});
    const shown = await eventually(() => {
      const sent = [...fake.callsTo('views.update'), ...fake.callsTo('views.push'), ...fake.respondedTo(respondId)];
      const found = sent.find((m) => JSON.stringify(m).includes(`History of ${ADMIN}`));
      if (!found) throw new Error('no history yet');
      return found;
    });
    expect(JSON.stringify(shown)).toContain(ADMIN);
  });

  it('reconnects with a fresh URL when the connection drops, and acks commands on the new one', async () => {
    socket.drop();
    await eventually(() => {
      expect(socket.opens).toHaveLength(2);
      expect(socket.connections).toHaveLength(2);
    }, RECONNECT_MS);
    expect(socket.connections[1]?.url).toBe('/link/?ticket=2&app_id=A0APP');
    const { envelopeId, respondId } = slashCommand('');
    expect((await listSeen(envelopeId, respondId)).blocks[0].text.text).toContain('Users of Acme Marketplace');
  });

  it('reconnects when Slack asks it to (a disconnect message, refresh_requested)', async () => {
    socket.askToReconnect();
    await eventually(() => {
      expect(socket.opens).toHaveLength(3);
      expect(socket.connections).toHaveLength(3);
    }, RECONNECT_MS);
    const { envelopeId, respondId } = slashCommand('help');
    const ack = await eventually(() => socket.ackOf(envelopeId) ?? Promise.reject(new Error('not acked yet')));
    const text =
      ack.payload?.text ?? (await eventually(() => fake.respondedTo(respondId)[0]?.text ?? Promise.reject()));
    expect(String(text)).toContain('Commands:');
    // Each envelope was acked once, by its own id.
    const ids = socket.acks.map((a) => a.envelope_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  // A transient failure of apps.connections.open while reconnecting used to end Socket Mode for
  // good, with an unhandled rejection inside the SDK (which stops a Node process).
  it.each([
    ['a network error', () => HttpResponse.error()],
    ['an HTTP 500', () => new HttpResponse('busy', { status: 500 })],
  ])('keeps trying when apps.connections.open fails with %s while it reconnects', async (_name, answer) => {
    const before = socket.connections.length;
    let failures = 0;
    msw.use(
      http.post(
        `${SLACK_API_URL}/apps.connections.open`,
        () => {
          failures += 1;
          return answer();
        },
        { once: true },
      ),
    );
    socket.drop();
    await eventually(() => {
      expect(failures).toBe(1);
      expect(socket.connections).toHaveLength(before + 1);
    }, RECONNECT_MS);
    const { envelopeId, respondId } = slashCommand('');
    expect((await listSeen(envelopeId, respondId)).blocks[0].text.text).toContain('Users of Acme Marketplace');
  });
});
