import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { cliDeps } from '../../../src/deps.js';
import { ADMIN, startTestApp, type TestApp } from '../../support/app.js';
import { acceptLink, latestToken, openLink } from '../../support/invitee.js';
import { rowsMentioning } from '../../support/personal-data.js';
import { ADMIN2, makeActive } from '../../support/rig.js';

// The same walk through every state as the Slack test, typed in the terminal: the function the
// CLI process runs (src/cli/main.ts prints `output` and exits with `code`).
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await makeActive(app, ADMIN2, 'admin');
});
afterAll(async () => {
  await app?.close();
});

const SAM = 'Sam.Rivera@Example.com';
const sam = SAM.toLowerCase();

/** `npm run cli -- …words` as `as` (default: the first of ADMIN_EMAILS). */
const cli = (line: string, as = ADMIN) => runCli(cliDeps(app.deps), ['--as', as, ...line.split(' ')], ADMIN);

/** Sam's line of `cli SAM` (show one user), cells split on the table's runs of spaces. */
async function samRow(): Promise<string[]> {
  const r = await cli(SAM);
  expect(r.code).toBe(0);
  const line = r.output.split('\n').find((l) => l.includes(sam));
  return line?.split(/\s{2,}/) ?? [];
}

describe('one person through every state, in the terminal', () => {
  it('invite → accept → role → block → unblock → remove → invite again → accept → erase, exit 0 each', async () => {
    expect(await cli(`invite ${SAM}`)).toMatchObject({ code: 0, queuedEmail: true });
    expect(await samRow()).toEqual(expect.arrayContaining([sam, 'member', 'Invited']));
    const first = await latestToken(app, sam);
    expect((await acceptLink(app, first, 'Sam', 'Rivera')).status).toBe(303);
    expect(await samRow()).toEqual(expect.arrayContaining([sam, 'Sam Rivera', 'member', 'Active']));
    expect((await cli('list', sam)).code).toBe(1);

    expect(await cli(`role ${SAM} admin`)).toMatchObject({ code: 0, output: `${sam} is now an admin.` });
    expect(await samRow()).toEqual(expect.arrayContaining(['admin', 'Active']));
    expect((await cli('list active', sam)).code).toBe(0);

    expect(await cli(`block ${SAM}`)).toMatchObject({ code: 0, output: `${sam} is blocked.` });
    expect(await samRow()).toEqual(expect.arrayContaining(['admin', 'Blocked']));
    // A blocked admin loses admin rights at once.
    expect(await cli('list', sam)).toMatchObject({ code: 1, output: expect.stringContaining('Only account admin') });
    expect(await cli(`block ${SAM}`)).toMatchObject({ code: 1, output: expect.stringContaining('not possible') });

    expect(await cli(`unblock ${SAM}`)).toMatchObject({ code: 0, output: `${sam} is unblocked.` });
    expect(await samRow()).toEqual(expect.arrayContaining(['admin', 'Active']));
    expect((await cli('list', sam)).code).toBe(0);

    expect(await cli(`remove ${SAM}`)).toMatchObject({ code: 0, output: `${sam} was removed from the account.` });
    expect(await samRow()).toEqual(expect.arrayContaining(['admin', 'Disabled']));
    expect((await cli('list', sam)).code).toBe(1);
    expect(await (await openLink(app, first)).text()).toContain('You no longer have access');
    expect((await cli(`unblock ${SAM}`)).code).toBe(1);

    // `invite EMAIL` is "Invite again" for a Disabled person: the same record, a new invitation.
    const id = (await samRow())[0];
    expect(await cli(`invite ${SAM}`)).toMatchObject({ code: 0, queuedEmail: true });
    expect(await samRow()).toEqual(expect.arrayContaining([id, sam, 'Invited']));
    const second = await latestToken(app, sam);
    expect((await acceptLink(app, second, 'Sam', 'Rivera')).status).toBe(303);
    expect(await samRow()).toEqual(expect.arrayContaining([id, 'Active']));

    const needles = [sam, 'Rivera', ...[first, second].map((t) => t.split('.')[0] ?? t)];
    expect((await rowsMentioning(app, needles)).length).toBeGreaterThan(3);
    expect(await cli(`erase ${SAM}`)).toMatchObject({
      code: 0,
      output: `Personal data of ${sam} erased (now anonymous user #${id}).`,
    });
    expect(await rowsMentioning(app, needles)).toEqual([]);
    expect((await cli('list deleted')).output).toContain(`(erased user #${id})`);
    expect(await cli(SAM)).toMatchObject({ code: 1, output: `${sam} is not a user of this account.` });
    expect((await cli(`erase ${SAM}`)).code).toBe(1);
    for (const token of [first, second]) expect((await openLink(app, token)).status).toBe(404);

    // The address can be invited again, as a new person.
    expect((await cli(`invite ${SAM}`)).code).toBe(0);
    expect((await samRow())[0]).not.toBe(id);
  });
});

describe('exit codes: 0 done, 1 refused, 2 bad usage', () => {
  it.each([
    ['role x@example.com', 2],
    ['role x@example.com owner', 2],
    ['block', 2],
    ['unblock not-an-address', 2],
    ['remove a@example.com b@example.com', 2],
    ['erase', 2],
    ['find', 2],
    ['list gone', 2],
    ['block nobody@example.com', 1],
    ['erase nobody@example.com', 1],
    [`role ${ADMIN} member`, 1],
    [`block ${ADMIN}`, 1],
    ['find nobody', 0],
    ['list blocked', 0],
  ])('%s → %i', async (line, code) => {
    expect((await cli(line)).code).toBe(code);
  });
});
