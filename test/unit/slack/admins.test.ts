import { describe, expect, it } from 'vitest';
import { SlackDirectory } from '../../../src/slack/admins.js';
import type { WebClient } from '../../../src/slack/context.js';
import { movableClock } from '../../support/clock.js';

function fakeClient(profiles: Record<string, { email?: string; is_bot?: boolean; deleted?: boolean }>) {
  const calls: string[] = [];
  const client = {
    users: {
      info: async ({ user }: { user: string }) => {
        calls.push(user);
        const p = profiles[user];
        if (!p) throw new Error('An API error occurred: user_not_found');
        return {
          ok: true,
          user: { id: user, is_bot: p.is_bot ?? false, deleted: p.deleted ?? false, profile: { email: p.email } },
        };
      },
    },
  };
  return { client: client as unknown as WebClient, calls, profiles };
}

describe('SlackDirectory', () => {
  it('caches the profile email for the TTL, then asks again', async () => {
    const clock = movableClock();
    const dir = new SlackDirectory(clock.now, 60_000);
    const { client, calls, profiles } = fakeClient({ U1: { email: 'Alice@Example.com' } });
    expect(await dir.emailOf(client, 'U1')).toBe('alice@example.com');
    expect(await dir.emailOf(client, 'U1')).toBe('alice@example.com');
    expect(calls).toEqual(['U1']);
    profiles.U1 = { email: 'new@example.com' };
    clock.advance(59_999);
    expect(await dir.emailOf(client, 'U1')).toBe('alice@example.com');
    clock.advance(1);
    expect(await dir.emailOf(client, 'U1')).toBe('new@example.com');
    expect(calls).toEqual(['U1', 'U1']);
  });

  it('gives bots, deleted users, users without email and unknown users no identity', async () => {
    const dir = new SlackDirectory(movableClock().now);
    const { client, calls } = fakeClient({
      B: { email: 'bot@example.com', is_bot: true },
      D: { email: 'd@example.com', deleted: true },
      N: {},
    });
    for (const id of ['B', 'D', 'N', 'X']) expect(await dir.actor(client, id, '1')).toBeNull();
    // A failed lookup is not cached, so a transient error heals itself.
    await dir.actor(client, 'X', '1');
    expect(calls.filter((c) => c === 'X')).toHaveLength(2);
  });

  it('builds the Actor with the Slack user id for the audit trail', async () => {
    const dir = new SlackDirectory(movableClock().now);
    const { client } = fakeClient({ U9: { email: 'a@example.com' } });
    expect(await dir.actor(client, 'U9', '1')).toEqual({
      accountId: '1',
      kind: 'slack',
      email: 'a@example.com',
      slackUserId: 'U9',
    });
  });

  it("remembers an answer per account: one installation's lookup never answers another's", async () => {
    const dir = new SlackDirectory(movableClock().now);
    const b = fakeClient({ U7: { email: 'boss@b.test' } });
    const a = fakeClient({});
    expect(await dir.actor(b.client, 'U7', 'B')).toMatchObject({ accountId: 'B', email: 'boss@b.test' });
    // Account A's token does not know U7: A asks with it, and gets nobody.
    expect(await dir.actor(a.client, 'U7', 'A')).toBeNull();
    expect(a.calls).toEqual(['U7']);
    expect(await dir.actor(b.client, 'U7', 'B')).toMatchObject({ email: 'boss@b.test' });
    expect(b.calls).toEqual(['U7']);
  });
});
