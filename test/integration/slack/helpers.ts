import { ACTION } from '../../../src/slack/ids.js';
import { adminActor, type TestApp, rowOf as viewOf } from '../../support/app.js';
import { ADMIN_ID } from '../../support/rig.js';
import {
  blockAction,
  commandBody,
  eventually,
  payloadBody,
  type SlackFake,
  signedRequest,
} from '../../support/slack.js';

export { ADMIN_ID, MEMBER_ID } from '../../support/rig.js';

type Obj = Record<string, any>;

/**
 * Sends `/users <text>` as Slack would. The app acknowledges first with an empty body (checked here)
 * and answers through the response_url: `body` is that first answer (wait: false skips waiting, for
 * commands that open a form instead).
 */
export async function command(app: TestApp, fake: SlackFake, text: string, userId = ADMIN_ID, wait = true) {
  const { url, id } = fake.responseUrl();
  const res = await signedRequest(app, commandBody({ text, userId, responseUrl: url }));
  const ack = await res.text();
  if (wait && res.status === 200 && ack !== '') throw new Error(`the ack carried a body: ${ack.slice(0, 200)}`);
  const body: Obj = wait ? await answerAt(fake, id) : {};
  return { status: res.status, ack: (ack ? JSON.parse(ack) : {}) as Obj, body, respondId: id, responseUrl: url };
}

/** The first message the app posted to a response_url. */
export async function answerAt(fake: SlackFake, id: number): Promise<Obj> {
  return eventually(() => {
    const [first] = fake.respondedTo(id);
    if (!first) throw new Error(`nothing posted to response_url ${id} yet`);
    return first;
  });
}

export const rowOf = (blocks: Obj[], email: string): Obj | undefined =>
  blocks.find(
    (b) => typeof b.block_id === 'string' && b.block_id.startsWith('user_row:') && String(b.text?.text).includes(email),
  );

export const menuLabels = (row: Obj | undefined): string[] =>
  row?.accessory?.type === 'overflow'
    ? row.accessory.options.map((o: Obj) => o.text.text)
    : row?.accessory
      ? [row.accessory.text.text]
      : [];

export const optionValue = (row: Obj | undefined, label: string): string => {
  const option = (row?.accessory?.options as Obj[] | undefined)?.find((o) => o.text.text === label);
  if (!option) throw new Error(`no option ${label} in ${JSON.stringify(row)}`);
  return option.value as string;
};

/** Picks an option of a row's ••• menu, in the ephemeral list whose response_url is `responseUrl`. */
export async function pick(app: TestApp, value: string, responseUrl: string, userId = ADMIN_ID) {
  const payload = blockAction(
    {
      type: 'overflow',
      action_id: ACTION.userMenu,
      selected_option: { text: { type: 'plain_text', text: 'x' }, value },
    },
    { userId, responseUrl },
  );
  return signedRequest(app, payloadBody(payload));
}

export async function press(
  app: TestApp,
  actionId: string,
  value: string,
  o: { userId?: string; responseUrl?: string; home?: { privateMetadata?: string } },
) {
  const payload = blockAction(
    { type: 'button', action_id: actionId, value, text: { type: 'plain_text', text: 'x' } },
    { userId: o.userId ?? ADMIN_ID, ...o },
  );
  return signedRequest(app, payloadBody(payload));
}

export async function invite(app: TestApp, email: string, name: string | null = null) {
  const r = await app.deps.service.invite(adminActor, [{ email, name }]);
  if (!r.ok || !r.value[0]?.result.ok) throw new Error(`invite ${email} failed`);
  return viewOf(app, email);
}

/** Everything that defines the DB state a refused request must not change. */
export async function snapshot(app: TestApp) {
  const db = app.deps.database.db;
  const users = await db.selectFrom('users').select(['email', 'state', 'role']).orderBy('email').execute();
  const invitations = await db
    .selectFrom('invitations')
    .select(['id', 'state', 'resend_count', 'expires_at'])
    .orderBy('id')
    .execute();
  return { users, invitations };
}
