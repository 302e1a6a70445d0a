import { describe, expect, it } from 'vitest';
import type { DeliveryService, EmailContext } from '../../../src/delivery/service.js';
import type { AcceptedMessage, Mailer } from '../../../src/email/mailer.js';
import { settleUnsettledAttempts, UNSETTLED_GRACE_SECONDS } from '../../../src/jobs/email-attempts.js';
import { silentLogger } from '../../../src/log.js';

// The rule that decides, per invitation, whether an attempt left without an outcome may be judged.
const emailedAt = new Date('2026-12-06T11:00:00Z');

function context(id: string, unsettled: EmailContext['unsettled']): EmailContext {
  const person = { email: `${id}@example.com`, name: null };
  return {
    invitationId: id,
    accountId: '1',
    accountName: 'Acme',
    invitee: person,
    inviter: person,
    link: 'http://invites.test/invite/x',
    expiresAt: emailedAt,
    unsettled,
    emailedAt: null,
  };
}

function rig(found: AcceptedMessage[] | Error | null) {
  const asked: string[][] = [];
  const settled: unknown[] = [];
  const mailer: Mailer = {
    name: 'stub',
    sendBatch: async () => [],
    ...(found === null
      ? {}
      : {
          findAccepted: async (attempts: readonly string[]) => {
            asked.push([...attempts]);
            if (found instanceof Error) throw found;
            return found;
          },
        }),
  };
  const delivery = {
    settle: async (verdicts: { id: string; messageId: string | null }[]) => {
      settled.push(...verdicts);
      return new Map(verdicts.map((v) => [v.id, v.messageId ? emailedAt : null]));
    },
  } as unknown as DeliveryService;
  return { deps: { mailer, delivery, log: silentLogger }, asked, settled };
}

describe('settleUnsettledAttempts', () => {
  it(`waits, without asking, while an attempt is younger than ${UNSETTLED_GRACE_SECONDS} s`, async () => {
    const { deps, asked, settled } = rig([]);
    const contexts = new Map([['a', context('a', { attempt: 'att-1', ageSeconds: UNSETTLED_GRACE_SECONDS - 1 })]]);
    const waiting = await settleUnsettledAttempts(deps, contexts);
    expect([...waiting.keys()]).toEqual(['a']);
    expect(asked).toEqual([]);
    expect(settled).toEqual([]);
    expect(contexts.get('a')?.unsettled).not.toBeNull();
  });

  it('asks once per attempt past the grace, settles found ones as sent and clears the others', async () => {
    const { deps, asked, settled } = rig([{ sendAttempt: 'att-1', invitationId: 'a', messageId: 'pm-a' }]);
    const contexts = new Map([
      ['a', context('a', { attempt: 'att-1', ageSeconds: 45 })],
      ['b', context('b', { attempt: 'att-1', ageSeconds: 45 })],
      ['c', context('c', null)],
    ]);
    const waiting = await settleUnsettledAttempts(deps, contexts);
    expect(waiting.size).toBe(0);
    expect(asked).toEqual([['att-1']]);
    expect(settled).toEqual([
      { id: 'a', attempt: 'att-1', messageId: 'pm-a' },
      { id: 'b', attempt: 'att-1', messageId: null },
    ]);
    expect(contexts.get('a')).toMatchObject({ unsettled: null, emailedAt });
    expect(contexts.get('b')).toMatchObject({ unsettled: null, emailedAt: null });
  });

  it('a message found under another invitation or attempt does not settle this one', async () => {
    const { deps, settled } = rig([{ sendAttempt: 'att-2', invitationId: 'a', messageId: 'pm-a' }]);
    const contexts = new Map([['a', context('a', { attempt: 'att-1', ageSeconds: 45 })]]);
    await settleUnsettledAttempts(deps, contexts);
    expect(settled).toEqual([{ id: 'a', attempt: 'att-1', messageId: null }]);
  });

  it('when the provider cannot be asked, everything due waits and nothing is settled', async () => {
    const { deps, settled } = rig(new Error('HTTP 503'));
    const contexts = new Map([['a', context('a', { attempt: 'att-1', ageSeconds: 45 })]]);
    const waiting = await settleUnsettledAttempts(deps, contexts);
    expect(waiting.get('a')).toMatch(/could not ask stub whether an earlier send was accepted: Error: HTTP 503/);
    expect(settled).toEqual([]);
  });

  it('a mailer that cannot look back (dev outbox) clears the attempt, so the email is written again', async () => {
    const { deps, settled } = rig(null);
    const contexts = new Map([['a', context('a', { attempt: 'att-1', ageSeconds: 45 })]]);
    expect((await settleUnsettledAttempts(deps, contexts)).size).toBe(0);
    expect(settled).toEqual([{ id: 'a', attempt: 'att-1', messageId: null }]);
  });
});
