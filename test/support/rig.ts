import type { HttpHandler } from 'msw';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Actor } from '../../src/invitations/invitation.js';
import { ADMIN, adminActor, startTestApp, type TestApp, type TestAppOptions } from './app.js';
import { type PostmarkFake, postmarkFake } from './postmark.js';
import { type SlackFake, slackFake, startMsw } from './slack.js';

/**
 * The one Slack rig every Slack-facing test uses: msw answering the Slack Web API (and Postmark),
 * the app in HTTP mode, and the people the fake `users.info` knows.
 */
export const ADMIN_ID = 'UADMIN';
export const ADMIN2_ID = 'UADMIN2';
export const ADMIN2 = 'second@example.com';
export const MEMBER_ID = 'UMEMBER';
export const MEMBER = 'member@example.com';

/** Slack profiles: the bootstrap admin, a second admin and a member (their accounts are set up by `makeActive`). */
export function knowPeople(fake: SlackFake): void {
  fake.users.set(ADMIN_ID, ADMIN);
  fake.users.set(ADMIN2_ID, ADMIN2);
  fake.users.set(MEMBER_ID, MEMBER);
}

/** msw for the whole file, `first` answering before the generic fakes (e.g. scripted chat.postMessage). */
export function useMsw(fake: SlackFake, first: HttpHandler[] = []): void {
  let msw: ReturnType<typeof startMsw> | undefined;
  beforeAll(() => {
    msw = startMsw(...first, ...fake.handlers);
    knowPeople(fake);
  });
  afterAll(() => msw?.close());
  beforeEach(() => fake.reset());
}

/** One app with Slack for the whole file; `set` receives it (tests keep a plain `app` variable). */
export function useSlackApp(
  fake: SlackFake,
  set: (app: TestApp) => void,
  options: TestAppOptions & { first?: HttpHandler[]; setup?: (app: TestApp) => Promise<void> } = {},
): void {
  const { first, setup, ...appOptions } = options;
  useMsw(fake, first);
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp({ slack: true, ...appOptions });
    set(app);
    await setup?.(app);
  });
  afterAll(async () => {
    await app?.close();
  });
}

export interface Rig {
  app: TestApp;
  slack: SlackFake;
  postmark: PostmarkFake;
  msw: ReturnType<typeof startMsw>;
  close(): Promise<void>;
}

/** A rig started by hand (several per file, or one per test): two Active admins and one Active member. */
export async function startRig(options: TestAppOptions = {}): Promise<Rig> {
  const slack = slackFake();
  const postmark = postmarkFake();
  const msw = startMsw(...slack.handlers, ...postmark.handlers);
  const app = await startTestApp({ slack: true, ...options });
  knowPeople(slack);
  await makeActive(app, ADMIN2, 'admin');
  await makeActive(app, MEMBER, 'member');
  return {
    app,
    slack,
    postmark,
    msw,
    close: async () => {
      await app.close();
      msw.close();
    },
  };
}

/** Invites then activates a user directly (as if they had accepted), in `actor`'s account. */
export async function makeActive(
  app: TestApp,
  email: string,
  role: 'admin' | 'member',
  actor: Actor = adminActor,
): Promise<void> {
  const r = await app.deps.service.invite(actor, [{ email, role }]);
  if (!r.ok || !r.value[0]?.result.ok) throw new Error(`could not invite ${email}`);
  const db = app.deps.database.db;
  const user = db.selectFrom('users').select('id').where('email', '=', email).where('account_id', '=', actor.accountId);
  await db
    .updateTable('invitations')
    .set({ state: 'accepted' })
    .where('user_id', 'in', user)
    .where('state', '=', 'pending')
    .execute();
  await db
    .updateTable('users')
    .set({ state: 'active', role })
    .where('email', '=', email)
    .where('account_id', '=', actor.accountId)
    .execute();
}
