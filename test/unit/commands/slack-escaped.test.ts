import { describe, expect, it } from 'vitest';
import { parseCommand, readMarkup, unescapeSlack } from '../../../src/commands/index.js';

/**
 * Command text exactly as Slack sends it when the manifest says `should_escape: true`: typed
 * `& < >` become entities, addresses and URLs become links, channels and people become ids.
 */
describe('unescapeSlack', () => {
  it.each([
    ['&lt;b&gt; &amp;amp;', '<b> &amp;'],
    ['<mailto:ann@x.com|ann@x.com>', 'ann@x.com'],
    ['<mailto:Ann@X.com|Ann@X.com>', 'Ann@X.com'],
    ['<mailto:ann@x.com|Ann Lee>', 'ann@x.com'],
    ['<mailto:ann@x.com>', 'ann@x.com'],
    ['<mailto:ann@x.com?subject=hi|ann@x.com>', 'ann@x.com'],
    ['<mailto:bob@|bob@>', 'bob@'],
    ['<https://x.com|x.com>', 'x.com'],
    ['<http://x.com/a?b=1&amp;c=2>', 'http://x.com/a?b=1&c=2'],
    ['<#C0123ABCD|general>', '<#C0123ABCD|general>'],
    ['<@U0123|ann>', '<@U0123|ann>'],
    ['plain CLI text, "quoted" <ann@x.com>', 'plain CLI text, "quoted" <ann@x.com>'],
  ])('%j → %j', (escaped, plain) => {
    expect(unescapeSlack(escaped)).toBe(plain);
  });
});

describe('readMarkup', () => {
  it.each([
    ['<#C0123ABCD|general>', { kind: 'channel', id: 'C0123ABCD', name: 'general' }],
    ['<#C0123ABCD>', { kind: 'channel', id: 'C0123ABCD', name: null }],
    ['<#C0123ABCD|>', { kind: 'channel', id: 'C0123ABCD', name: null }],
    ['<@U0123|ann>', { kind: 'user', id: 'U0123', name: 'ann' }],
    ['<@U0123|@ann>', { kind: 'user', id: 'U0123', name: 'ann' }],
    ['<@U0123>', { kind: 'user', id: 'U0123', name: null }],
    ['<!here>', { kind: 'special', label: '@here' }],
    ['<!subteam^S0123|@team>', { kind: 'special', label: '@team' }],
    ['<ann@x.com>', null],
    ['#general', null],
  ])('%j', (token, markup) => {
    expect(readMarkup(token)).toEqual(markup);
  });
});

describe('parseCommand on escaped text', () => {
  it('invites addresses Slack turned into links, with names typed around them', () => {
    const text =
      'invite <mailto:ann@x.com|ann@x.com>, "Lee, Bo" &lt;<mailto:bo@x.com|bo@x.com>&gt;; Cy &lt;<mailto:cy@bücher.de|cy@bücher.de>&gt;';
    expect(parseCommand(text)).toEqual({
      ok: true,
      command: {
        kind: 'invite',
        people: [
          { email: 'ann@x.com', display: 'ann@x.com', name: null, role: null },
          { email: 'bo@x.com', display: 'bo@x.com', name: 'Lee, Bo', role: null },
          { email: 'cy@xn--bcher-kva.de', display: 'cy@bücher.de', name: 'Cy', role: null },
        ],
        rejected: [],
        role: 'member',
        file: null,
      },
    });
  });

  it('refuses a person mentioned where an address is expected, naming them', () => {
    const r = parseCommand('invite <@U0123ABC|ann> <mailto:b@x.com|b@x.com>');
    expect(r.ok && r.command.kind === 'invite' && r.command.rejected).toEqual([
      {
        input: '@ann',
        reason: 'a Slack mention of a person, not an email address: type their email address instead',
      },
    ]);
    expect(parseCommand('link <@U0123ABC>')).toMatchObject({ ok: false, error: expect.stringMatching(/^"@U0123ABC"/) });
  });

  it('reads channels as Slack links them, and a name it did not link', () => {
    expect(parseCommand('notify <#C0123ABCD|team-invites>')).toEqual({
      ok: true,
      command: { kind: 'notify', channel: { id: 'C0123ABCD', name: 'team-invites' } },
    });
    expect(parseCommand('notify <#C0123ABCD>')).toMatchObject({
      command: { channel: { id: 'C0123ABCD', name: null } },
    });
    expect(parseCommand('notify #team-invites')).toMatchObject({ command: { channel: { name: 'team-invites' } } });
  });

  it('decodes &amp; &lt; &gt; in free text', () => {
    expect(parseCommand('find Smith &amp; Sons &lt;ann&gt;')).toEqual({
      ok: true,
      command: { kind: 'find', text: 'Smith & Sons <ann>', page: 1 },
    });
  });

  it('reads a CSV pasted into the command, links and all', () => {
    const text = 'invite email,name,role\n<mailto:a@x.com|a@x.com>,"Lee, Ann",admin\n<mailto:b@x.com|b@x.com>,Bob,';
    expect(parseCommand(text)).toMatchObject({
      ok: true,
      command: {
        people: [
          { email: 'a@x.com', name: 'Lee, Ann', role: 'admin' },
          { email: 'b@x.com', name: 'Bob', role: null },
        ],
        rejected: [],
      },
    });
  });

  it('keeps a smart-quoted name and an em-dash option as typed on macOS', () => {
    expect(parseCommand('invite \u201cAnn Lee\u201d &lt;<mailto:ann@x.com|ann@x.com>&gt; \u2014admin')).toMatchObject({
      command: { people: [{ email: 'ann@x.com', name: 'Ann Lee' }], role: 'admin' },
    });
  });
});
