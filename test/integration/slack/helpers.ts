import { ACTION } from '../../../src/slack/ids.js';
import { adminActor, rowOf as viewOf, type TestApp } from '../../support/app.js';
import { blockAction, commandBody, payloadBody, type SlackFake, signedRequest } from '../../support/slack.js';

export const ADMIN_ID = 'UADMIN';
export const MEMBER_ID = 'UMEMBER';

type Obj = Record<string, any>;

/** Sends `/users <text>` as Slack would; returns the HTTP status, the ack body and the response_url id. */
export async function command(app: TestApp, fake: SlackFake, text: string, userId = ADMIN_ID) {
  const { url, id } = fake.responseUrl();
  const res = await signedRequest(app, commandBody({ text, userId, responseUrl: url }));
  const raw = await res.text();
  const body: Obj = raw ? JSON.parse(raw) : {};
  return { status: res.status, body, respondId: id, responseUrl: url };
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
