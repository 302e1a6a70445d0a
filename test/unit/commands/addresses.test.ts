import { describe, expect, it } from 'vitest';
import {
  describeRejected,
  formatAddresses,
  type Invitee,
  MAX_INVITE_EMAILS,
  parseAddresses,
  TOO_MANY,
} from '../../../src/commands/index.js';

const person = (email: string, extra: Partial<Invitee> = {}): Invitee => ({
  email,
  display: email,
  name: null,
  role: null,
  ...extra,
});
const invalid = (input: string) => ({ input, reason: 'not a valid email address' });

describe('parseAddresses: free text', () => {
  it('reads bare addresses with any mix of separators', () => {
    expect(parseAddresses('a@x.com b@x.com,c@x.com;d@x.com\ne@x.com\r\nf@x.com ,; \n g@x.com\t h@x.com')).toEqual({
      people: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((l) => person(`${l}@x.com`)),
      rejected: [],
    });
  });

  it('gives each token its own outcome', () => {
    expect(parseAddresses('a@x.com nope b@x.com')).toEqual({
      people: [person('a@x.com'), person('b@x.com')],
      rejected: [invalid('nope')],
    });
  });

  it.each([
    ['Ann Lee <ann@x.com>', 'Ann Lee'],
    ['Ann Lee<ann@x.com>', 'Ann Lee'],
    ['"Lee, Ann" <ann@x.com>', 'Lee, Ann'],
    ['\u201cLee, Ann\u201d <ann@x.com>', 'Lee, Ann'],
    ['"Ann \\"The Boss\\" Lee" <ann@x.com>', 'Ann "The Boss" Lee'],
    ['"Ann   Lee" ann@x.com', 'Ann Lee'],
    ["Ann O'Brien-Lee <ann@x.com>", "Ann O'Brien-Lee"],
    ['Ann <mailto:ann@x.com>', 'Ann'],
    ['<ann@x.com>', null],
    ['"" <ann@x.com>', null],
  ])('%j → name %j', (text, name) => {
    expect(parseAddresses(text)).toEqual({ people: [person('ann@x.com', { name })], rejected: [] });
  });

  it("reads Outlook's list", () => {
    expect(parseAddresses('Ann Lee <ann@x.com>; Bob <bob@x.com>; "Lee, Cy" <cy@x.com>')).toEqual({
      people: [
        person('ann@x.com', { name: 'Ann Lee' }),
        person('bob@x.com', { name: 'Bob' }),
        person('cy@x.com', { name: 'Lee, Cy' }),
      ],
      rejected: [],
    });
  });

  it('takes only the words just before <addr> as its name', () => {
    expect(parseAddresses('a@x.com Bob <bob@x.com>')).toEqual({
      people: [person('a@x.com'), person('bob@x.com', { name: 'Bob' })],
      rejected: [],
    });
  });

  it("reads Slack's mailto links, preferring the typed label", () => {
    expect(
      parseAddresses('<mailto:Ann@X.com|Ann@X.com>, <mailto:bob@x.com|Bob>, <mailto:cy@x.com?subject=hi>'),
    ).toEqual({ people: [person('ann@x.com'), person('bob@x.com'), person('cy@x.com')], rejected: [] });
  });

  it('canonicalizes Unicode domains to punycode and shows them in Unicode', () => {
    expect(parseAddresses('Ann@Bücher.DE, bob@xn--mnchen-3ya.de')).toEqual({
      people: [
        person('ann@xn--bcher-kva.de', { display: 'ann@bücher.de' }),
        person('bob@xn--mnchen-3ya.de', { display: 'bob@münchen.de' }),
      ],
      rejected: [],
    });
  });

  it('refuses Unicode before the @, naming the address', () => {
    const r = parseAddresses('jösé@x.com a@x.com');
    expect(r.rejected).toEqual([{ input: 'jösé@x.com', reason: 'Unicode is not allowed before the @' }]);
    expect(describeRejected(r.rejected[0]!)).toBe('"jösé@x.com": Unicode is not allowed before the @.');
  });

  it('refuses invalid punycode and non-addresses', () => {
    expect(parseAddresses('a@xn--zz.com @x.com a@ a@b@c.com "Lee, Ann"').rejected).toEqual([
      invalid('a@xn--zz.com'),
      { input: '@x.com', reason: expect.stringMatching(/^a Slack mention/) },
      invalid('a@'),
      invalid('a@b@c.com'),
      invalid('"Lee, Ann"'),
    ]);
  });

  it('marks later spellings of the same address as duplicates; the first wins', () => {
    expect(parseAddresses('Ann <ann@x.com>, ANN@x.com, Other <Ann@X.com>, ann@bücher.de ann@xn--bcher-kva.de')).toEqual(
      {
        people: [person('ann@x.com', { name: 'Ann' }), person('ann@xn--bcher-kva.de', { display: 'ann@bücher.de' })],
        rejected: [
          { input: 'ANN@x.com', reason: 'duplicate in this list' },
          { input: 'Ann@X.com', reason: 'duplicate in this list' },
          { input: 'ann@xn--bcher-kva.de', reason: 'duplicate in this list' },
        ],
      },
    );
  });

  it('names Slack mentions and tells the admin to type the address', () => {
    expect(parseAddresses('<@U0123|Ann Lee> <@W0123> <#C0123ABCD|general> <!here>').rejected).toEqual([
      {
        input: '@Ann Lee',
        reason: 'a Slack mention of a person, not an email address: type their email address instead',
      },
      expect.objectContaining({ input: '@W0123' }),
      { input: '#general', reason: 'a channel, not an email address' },
      expect.objectContaining({ input: '@here' }),
    ]);
  });

  it('shortens what it echoes to 100 characters', () => {
    const [r] = parseAddresses(`${'x'.repeat(300)}`).rejected;
    expect(Array.from(r!.input)).toHaveLength(100);
    expect(r!.input.endsWith('…')).toBe(true);
    const [emoji] = parseAddresses('😀'.repeat(150)).rejected;
    expect(Array.from(emoji!.input)).toHaveLength(100);
    expect(emoji!.input).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it(`stops at ${MAX_INVITE_EMAILS} addresses and says so`, () => {
    const emails = Array.from({ length: MAX_INVITE_EMAILS + 5 }, (_, i) => `u${i}@x.com`);
    const r = parseAddresses(emails.join(' '));
    expect(r.people).toHaveLength(MAX_INVITE_EMAILS);
    expect(r.rejected).toEqual([{ input: `u${MAX_INVITE_EMAILS}@x.com`, reason: TOO_MANY }]);
    // Duplicates and invalid tokens do not count toward the limit.
    const noisy = parseAddresses(`${emails.slice(0, MAX_INVITE_EMAILS).join(' ')} u1@x.com nope`);
    expect(noisy.people).toHaveLength(MAX_INVITE_EMAILS);
    expect(noisy.rejected.map((x) => x.reason)).toEqual(['duplicate in this list', 'not a valid email address']);
  });

  // Found by the round-trip property: "#" and "!" may start a local part, so only Slack-shaped ids are mentions.
  it('reads <#+@x.com> and <!x@y.com> as addresses, not as a channel or a special mention', () => {
    expect(parseAddresses('Ann <#+@x.com>, <!x@y.com>, <#C0123@x.com>').people.map((p) => p.email)).toEqual([
      '#+@x.com',
      '!x@y.com',
      '#c0123@x.com',
    ]);
  });

  it('finds nothing in blank text', () => {
    expect(parseAddresses(' \n,; ')).toEqual({ people: [], rejected: [] });
  });
});

describe('parseAddresses: CSV', () => {
  it('reads a header naming email, name and role in any order, with quoted fields and CRLF', () => {
    const csv = 'Role,Name,E-mail\r\nadmin,"Lee, ""Ann""",Ann@X.com\r\n,Bob,bob@x.com\r\nMEMBER,,cy@bücher.de\r\n';
    expect(parseAddresses(csv)).toEqual({
      people: [
        person('ann@x.com', { name: 'Lee, "Ann"', role: 'admin' }),
        person('bob@x.com', { name: 'Bob' }),
        person('cy@xn--bcher-kva.de', { display: 'cy@bücher.de', role: 'member' }),
      ],
      rejected: [],
    });
  });

  it('reads semicolon and tab separated files and a byte-order mark', () => {
    expect(parseAddresses('\ufeffemail;name\na@x.com;Ann\n').people).toEqual([person('a@x.com', { name: 'Ann' })]);
    expect(parseAddresses('name\temail\nAnn\ta@x.com').people).toEqual([person('a@x.com', { name: 'Ann' })]);
  });

  it('gives each row its own outcome', () => {
    const csv = [
      'email,name,role',
      'a@x.com,Ann,admin',
      'nope,Bad,',
      ',Nobody,member',
      ',,',
      'b@x.com,Bob,owner',
      'c@x.com d@x.com,Two,',
      'A@x.com,Again,',
      'Cy Lee <cy@x.com>,,',
    ].join('\n');
    expect(parseAddresses(csv)).toEqual({
      people: [person('a@x.com', { name: 'Ann', role: 'admin' }), person('cy@x.com', { name: 'Cy Lee' })],
      rejected: [
        invalid('nope'),
        { input: ',Nobody,member', reason: 'no email address in this row' },
        { input: 'b@x.com', reason: 'unknown role "owner": use admin or member' },
        { input: 'c@x.com d@x.com', reason: 'give one email address per row' },
        { input: 'A@x.com', reason: 'duplicate in this list' },
      ],
    });
  });

  it('undoes the export’s formula neutralizing', () => {
    expect(parseAddresses("email,name\n'-dash@x.com,'=Ann\n").people).toEqual([
      person('-dash@x.com', { name: '=Ann' }),
    ]);
  });

  it('is not fooled by text that merely mentions email', () => {
    expect(parseAddresses('email, a@x.com, b@x.com').people).toHaveLength(2);
    expect(parseAddresses('email me: a@x.com').people).toEqual([person('a@x.com')]);
  });
});

describe('formatAddresses', () => {
  it('writes one "Name" <address> per line, in Unicode', () => {
    expect(
      formatAddresses([
        person('ann@xn--bcher-kva.de', { display: 'ann@bücher.de', name: 'Lee, "Ann"' }),
        person('b@x.com'),
      ]),
    ).toBe('"Lee, \\"Ann\\"" <ann@bücher.de>\nb@x.com');
  });

  it('writes CSV when anyone has a role of their own, neutralizing formulas', () => {
    expect(formatAddresses([person('-a@x.com', { name: '=HYPERLINK()', role: 'admin' }), person('b@x.com')])).toBe(
      "email,name,role\r\n'-a@x.com,'=HYPERLINK(),admin\r\nb@x.com,,\r\n",
    );
  });
});
