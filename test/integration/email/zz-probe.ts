import { setupServer } from 'msw/node';
import { createPostmarkMailer } from '/work/main/src/email/postmark-mailer.js';
import { POSTMARK_TOKEN, POSTMARK_URL, postmarkFake, reply } from '/work/main/test/support/postmark.js';
const fake = postmarkFake();
const server = setupServer(...fake.handlers);
server.listen({ onUnhandledRequest: 'error' });
const m = createPostmarkMailer({ serverToken: POSTMARK_TOKEN, apiUrl: POSTMARK_URL, from: 'a@b.c', messageStream: 's', timeoutMs: 100 });
const msg = { to: 'x@y.z', subject: 's', html: 'h', text: 't', tag: 'invitation' as const, metadata: { invitationId: 'i' } };
for (const r of [reply.networkError(), reply.serverError(), reply.rateLimited(), reply.delay(500), reply.status(401, 10, 'Request does not contain a valid Server token.')]) {
  fake.failNext(1, r);
  console.log(JSON.stringify(await m.sendBatch([msg])));
}
fake.rejectRecipient('x@y.z', 406);
console.log(JSON.stringify(await m.sendBatch([msg])));
const unreachable = createPostmarkMailer({ serverToken: 't', apiUrl: 'http://127.0.0.1:1', from: 'a@b.c', messageStream: 's' });
server.close();
console.log(JSON.stringify(await unreachable.sendBatch([msg])));
