import http from 'node:http';
import { startPostmarkFake, startSlackFake } from './fake-servers.js';

/**
 * Child-process entry: the Slack and Postmark fakes in their own process, like the real services on
 * another machine. In the bench's own process they would answer only when the app's thread is free —
 * and PGlite runs queries on that thread — so a busy app would see "Slack" time out.
 */
type Command =
  | { type: 'user'; id: string; email: string }
  | { type: 'clearPosts' }
  | { type: 'resetPostmark' }
  | { type: 'stats'; req: number }
  | { type: 'replay'; req: number };

const slack = await startSlackFake((id, body, raw) =>
  process.send!({ type: 'respond', id, replace: body.replace_original === true, ...(raw === null ? {} : { raw }) }),
);
const postmark = await startPostmarkFake();

process.on('message', (m: Command) => {
  if (m.type === 'user') slack.users.set(m.id, m.email);
  else if (m.type === 'clearPosts') slack.posts.clear();
  else if (m.type === 'resetPostmark') postmark.reset();
  else if (m.type === 'stats')
    process.send!({
      type: 'stats',
      req: m.req,
      posts: Object.fromEntries(slack.posts),
      calls: postmark.calls,
      messages: postmark.messages,
    });
  else if (m.type === 'replay') void replay().then((ms) => process.send!({ type: 'replay', req: m.req, ms }));
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready', slackUrl: slack.url, postmarkUrl: postmark.url, token: postmark.token });

/** The floor of scenario 4: the recorded batch bodies POSTed again, one after another, on one keep-alive socket. */
async function replay(): Promise<number> {
  const bodies = [...postmark.bodies];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const t = performance.now();
  for (const body of bodies) {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${postmark.url}/email/batch`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'x-postmark-server-token': postmark.token,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  const ms = performance.now() - t;
  agent.destroy();
  return ms;
}
