import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/index.js';
import { parsePostmarkWebhook, readPostmarkJson } from '../../src/delivery/postmark-events.js';
import { parseOrigin } from '../../src/slack/blocks/invite-modal.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { parseInviteForm } from '../../src/slack/listeners/views/invite-submit.js';
import { decodeRow, decodeState } from '../../src/slack/values.js';
import { checkNames } from '../../src/text/names.js';
import { readFields } from '../../src/web/invite-page-form.js';
import { adminActor } from '../support/app.js';
import { blockAction, commandBody, payloadBody, signedRequest, viewSubmission } from '../support/slack.js';
import { figure } from './figures.js';
import { ADMIN_ID, MEMBER_ID, type Rig, rawRequest, STACK_TRACE, startRig } from './harness.js';

// Scenario 7: bad input. The pure parsers take the bulk (fast), HTTP the rest (the real path).
let rig: Rig;
let token = '';
beforeAll(async () => {
  rig = await startRig({ env: { POSTMARK_WEBHOOK_USER: 'hook', POSTMARK_WEBHOOK_PASSWORD: 'hook-secret' } });
  const r = await rig.app.deps.service.invite(adminActor, [{ email: 'fuzz@example.com' }]);
  if (!r.ok) throw new Error('setup');
  const l = await rig.app.deps.service.copyLink(adminActor, { email: 'fuzz@example.com' });
  if (!l.ok) throw new Error('setup');
  token = l.value.value.link.split('/invite/')[1]!;
});
afterAll(async () => {
  await rig?.close();
});

const counts = { pure: 0, http: 0 };
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ maxLength: 80 }),
  fc
    .array(
      fc.constantFrom(
        'invite',
        'list',
        'link',
        'resend',
        'renew',
        'new',
        'cancel',
        'history',
        'notify',
        'help',
        '--admin',
        '--role',
        '--role=',
        'admin',
        'member',
        '-h',
        'off',
        '<#C0123ABCD|general>',
        '#general',
        'C0123ABCD',
        '<mailto:a@b.co|a@b.co>',
        'a@b.co',
        'x@',
        '@x',
        ',',
        ';',
        '—admin',
        'invited',
        'expired',
        'active',
        '0',
        '1',
        '99999999',
        '-1',
        '1.5',
        '__proto__',
        'constructor',
        '\u202e',
        '\n',
        '\u0000',
        '%',
        '<!channel>',
      ),
      { maxLength: 12 },
    )
    .map((a) => a.join(' ')),
);
/** A readable refusal: a sentence, not a dump. */
const readable = (s: string) =>
  s.trim().length > 0 && s.length < 4000 && !STACK_TRACE.test(s) && !/undefined|\[object Object\]|NaN/.test(s);

describe('fuzzing the parsers (pure, ≥8,000 cases)', () => {
  it('parseCommand: never throws; every refusal is a short readable sentence', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        counts.pure++;
        const r = parseCommand(text);
        if (!r.ok) return readable(r.error) && r.error.length < 300;
        return r.command.kind.length > 0;
      }),
      { numRuns: 3000 },
    );
  });

  it('button/menu value decoders: never throw, junk decodes to null', () => {
    const valueLike = fc.oneof(
      anyText,
      fc
        .tuple(fc.nat(9), fc.string({ maxLength: 45 }), fc.string({ maxLength: 45 }), fc.string({ maxLength: 8 }))
        .map((t) => t.join('|')),
    );
    fc.assert(
      fc.property(valueLike, (value) => {
        counts.pure += 2;
        const row = decodeRow(value);
        const state = decodeState(value);
        parseOrigin(value);
        return (
          (row === null || (row.state.page >= 1 && /^\d{1,18}$/.test(row.userId))) &&
          (state === null || state.page >= 1)
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('invite modal form: never throws; errors are readable and keyed by a real block', () => {
    const field = fc.option(fc.oneof(anyText, fc.constant(null)), { nil: undefined });
    fc.assert(
      fc.property(field, field, fc.option(fc.string({ maxLength: 10 }), { nil: undefined }), (emails, name, role) => {
        counts.pure++;
        const r = parseInviteForm({
          [BLOCK.inviteEmails]: { [ACTION.inviteEmails]: { value: emails ?? null } },
          [BLOCK.inviteName]: { [ACTION.inviteName]: { value: name ?? null } },
          [BLOCK.inviteRole]: { [ACTION.inviteRole]: { selected_option: role === undefined ? null : { value: role } } },
        });
        if (r.ok) return r.people.length > 0;
        return Object.entries(r.errors).every(
          ([k, v]) => (k === BLOCK.inviteEmails || k === BLOCK.inviteName) && readable(v),
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('invite page form validators: never throw; messages are readable', () => {
    fc.assert(
      fc.property(fc.anything(), anyText, anyText, (body, first, last) => {
        counts.pure += 2;
        readFields(body, ['firstName', 'lastName']);
        const v = checkNames({ firstName: first, lastName: last });
        return Object.values(v.errors ?? {}).every((m) => readable(m as string));
      }),
      { numRuns: 1200 },
    );
  });

  it('Postmark webhook parser: never throws on any JSON or text', () => {
    const record = fc.record(
      {
        RecordType: fc.constantFrom('Delivery', 'Bounce', 'SpamComplaint', 'Open', 'x', ''),
        MessageID: fc.oneof(fc.uuid(), fc.string()),
        Metadata: fc.oneof(fc.constant({ invitationId: '00000000-0000-4000-8000-000000000000' }), fc.anything()),
        DeliveredAt: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        BouncedAt: fc.string(),
        Type: fc.string(),
        TypeCode: fc.oneof(fc.integer(), fc.string()),
        Details: fc.string(),
        Description: fc.string(),
        ID: fc.oneof(fc.integer(), fc.string()),
        Email: fc.string(),
        Recipient: fc.string(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          record,
          fc.anything(),
          fc.json().map((j) => ({ raw: j })),
        ),
        (body) => {
          counts.pure++;
          const input =
            typeof body === 'object' && body && 'raw' in body
              ? (() => {
                  try {
                    return readPostmarkJson(String((body as { raw: unknown }).raw));
                  } catch {
                    return null;
                  }
                })()
              : body;
          const r = parsePostmarkWebhook(input, new Date());
          return ['invalid', 'ignored', 'event'].includes(r.kind);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

interface HttpResult {
  status: number;
  body: string;
}
const httpProblems: string[] = [];
function check(where: string, r: HttpResult): boolean {
  counts.http++;
  if (r.status >= 500) httpProblems.push(`${where}: ${r.status} ${r.body.slice(0, 120)}`);
  if (STACK_TRACE.test(r.body)) {
    const at = r.body.search(STACK_TRACE);
    httpProblems.push(`${where}: stack trace in ${JSON.stringify(r.body.slice(Math.max(0, at - 200), at + 100))}`);
  }
  return r.status < 500;
}
const signed = async (body: string, contentType?: string): Promise<HttpResult> => {
  const res = await signedRequest(rig.app, body, contentType ? { contentType } : {});
  return { status: res.status, body: await res.text() };
};

describe('fuzzing over HTTP (~2,000 requests)', () => {
  it('/users text: 500 commands; every answer is a readable ephemeral message', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.constantFrom(ADMIN_ID, MEMBER_ID), async (text, userId) => {
        const r = await signed(
          commandBody({
            text: text.replace(/^\s*(invite|resend|renew|new|cancel)\b/i, 'list'),
            userId,
            responseUrl: rig.slack.responseUrl().url,
          }),
        );
        if (!check('command', r)) return false;
        const json = r.body ? (JSON.parse(r.body) as { text?: string }) : {};
        return r.body === '' || readable(json.text ?? '');
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('block_actions: 600 clicks with random action ids, values and shapes', async () => {
    // Only our own action ids: Slack sends no others (an unknown id waits out Bolt's 3 s unhandled-request timer).
    const actionId = fc.constantFrom(
      ACTION.userMenu,
      ACTION.userHistory,
      `${ACTION.page}:prev`,
      `${ACTION.page}:next`,
      ACTION.inviteButton,
      ACTION.promptConfirm,
      ACTION.promptKeep,
      ACTION.homeFilter,
    );
    // Any JSON, not only text: a number or an object as `selected_option.value` once crashed a handler.
    // Every other field gets the same treatment in fuzz-payloads.test.ts.
    const value = fc.oneof(
      anyText,
      fc.jsonValue({ maxDepth: 4 }),
      fc
        .tuple(
          fc.nat(6),
          fc.constantFrom('1', '2', '999', 'x', ''),
          fc.constantFrom('', '00000000-0000-4000-8000-000000000000', 'zz'),
          fc.constantFrom('a1', 'e9', 'c0', 'z1', 'a9999999'),
        )
        .map((t) => t.join('|')),
    );
    const shape = fc.constantFrom('overflow', 'button', 'static_select', 'weird');
    await fc.assert(
      fc.asyncProperty(
        actionId,
        value,
        shape,
        fc.boolean(),
        fc.constantFrom(ADMIN_ID, MEMBER_ID),
        async (id, v, type, home, userId) => {
          const action =
            type === 'overflow' || type === 'static_select'
              ? { type, action_id: id, selected_option: { text: { type: 'plain_text', text: 'x' }, value: v } }
              : type === 'button'
                ? { type, action_id: id, value: v, text: { type: 'plain_text', text: 'x' } }
                : { type: 'datepicker', action_id: id, selected_date: v };
          const p = blockAction(action, {
            userId,
            responseUrl: rig.slack.responseUrl().url,
            ...(home ? { home: { privateMetadata: JSON.stringify(v)?.slice(0, 20) ?? '' } } : {}),
          });
          return check('block_actions', await signed(payloadBody(p)));
        },
      ),
      { numRuns: 600 },
    );
  }, 60_000);

  it('view submissions: 300 modal submissions with random values and metadata', async () => {
    const v = fc.option(fc.oneof(anyText, fc.jsonValue({ maxDepth: 4 })), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        v,
        v,
        fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 })),
        fc.oneof(fc.string({ maxLength: 80 }), fc.json(), fc.jsonValue({ maxDepth: 3 })),
        fc.constant(CALLBACK.inviteModal),
        async (emails, name, role, meta, callbackId) => {
          const values = {
            [BLOCK.inviteEmails]: {
              [ACTION.inviteEmails]: {
                type: 'plain_text_input',
                value: typeof emails === 'string' ? emails.replace(/@/g, '@x') : emails,
              },
            },
            [BLOCK.inviteName]: { [ACTION.inviteName]: { type: 'plain_text_input', value: name ?? null } },
            [BLOCK.inviteRole]: { [ACTION.inviteRole]: { type: 'radio_buttons', selected_option: { value: role } } },
          };
          const submission = viewSubmission({ callbackId, values }, MEMBER_ID);
          (submission.view as Record<string, unknown>).private_metadata = meta;
          const r = await signed(payloadBody(submission));
          if (!check('view_submission', r)) return false;
          const json = r.body ? (JSON.parse(r.body) as { errors?: Record<string, string> }) : {};
          return Object.values(json.errors ?? {}).every(readable);
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);

  it('invite page: 400 GETs and form posts with random paths, fields and tokens', async () => {
    const csrf = rig.app.deps.formTokens;
    const path = fc.oneof(
      fc.constant(token),
      fc.string({ maxLength: 60 }).map(encodeURIComponent),
      fc.string({ unit: 'binary', maxLength: 40 }).map((s) => encodeURIComponent(s)),
      fc.constantFrom('%', '%E0%A4%A', '..%2F..', '', 'a/b/c'),
    );
    const fields = fc.dictionary(
      fc.constantFrom('firstName', 'lastName', 'csrf', 'x', 'firstName[]'),
      fc.oneof(anyText, fc.string({ unit: 'binary', maxLength: 150 })),
      { maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(
        path,
        fc.constantFrom('GET', 'accept', 'decline', 'PUT'),
        fields,
        fc.boolean(),
        fc.boolean(),
        async (p, what, f, goodCsrf, sameOrigin) => {
          const base = `${rig.app.server!.url}/invite/${p}`;
          if (what === 'GET' || what === 'PUT') return check('invite page', await rawRequest(base, { method: what }));
          const form = new URLSearchParams({
            ...f,
            ...(goodCsrf ? { csrf: csrf.issue(decodeURIComponentSafe(p)) } : {}),
          });
          // Never really answer the one real invitation: other tests' data must stay put.
          const body = p === token && goodCsrf && what === 'decline' ? `${form.toString()}&csrf=dup` : form.toString();
          const r = await rawRequest(`${base}/${what}`, {
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              ...(sameOrigin ? { origin: 'http://invites.test' } : { origin: 'http://evil.example' }),
            },
            body:
              p === token && goodCsrf && what === 'accept' ? body.replace(/firstName=[^&]*/, 'firstName=%0A') : body,
          });
          return check('invite form', r);
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000);

  it('Postmark webhook: 300 bodies (JSON, near-JSON, binary), with and without credentials', async () => {
    const auth = `Basic ${Buffer.from('hook:hook-secret').toString('base64')}`;
    const body = fc.oneof(
      fc.json(),
      fc.string({ unit: 'binary', maxLength: 500 }),
      fc.anything().map((a) => {
        try {
          return JSON.stringify(a) ?? 'null';
        } catch {
          return '{}';
        }
      }),
      fc
        .record(
          {
            RecordType: fc.constantFrom('Delivery', 'Bounce', 'SpamComplaint'),
            MessageID: fc.uuid(),
            Metadata: fc.constant({ invitationId: 'nope' }),
            BouncedAt: fc.string(),
            DeliveredAt: fc.string(),
            TypeCode: fc.integer(),
          },
          { requiredKeys: [] },
        )
        .map((r) => JSON.stringify(r)),
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.boolean(),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (b, authed, type) => {
          const r = await rawRequest(`${rig.app.server!.url}/webhooks/postmark`, {
            headers: { 'content-type': type, ...(authed ? { authorization: auth } : {}) },
            body: b,
          });
          return check('webhook', r);
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);

  it('totals: ≥10,000 cases, 0 responses ≥500, 0 stack traces, 0 crashes, server still healthy', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const health = await rawRequest(`${rig.app.server!.url}/healthz`, { method: 'GET' });
    const responses = JSON.stringify(rig.slack.responses.map((r) => r.body));
    const stackInResponses = STACK_TRACE.test(responses) ? 1 : 0;
    const crashes = rig.app.logs.filter((l) => /"level":50/.test(l));
    figure('S7 fuzzing', 'total', {
      pureCases: counts.pure,
      httpRequests: counts.http,
      total: counts.pure + counts.http,
      responses5xx: httpProblems.filter((p) => / 5\d\d /.test(p)).length,
      stackTraces: httpProblems.filter((p) => p.includes('stack trace')).length + stackInResponses,
      handlerCrashes: crashes.length,
      healthz: health.status,
    });
    if (crashes.length) console.log(crashes.slice(0, 5).join('\n'));
    if (httpProblems.length) console.log(httpProblems.slice(0, 5).join('\n'));
    expect(counts.pure + counts.http).toBeGreaterThanOrEqual(10_000);
    expect(httpProblems).toEqual([]);
    expect(stackInResponses).toBe(0);
    expect(crashes).toEqual([]);
    expect(health.status).toBe(200);
  });
});

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
