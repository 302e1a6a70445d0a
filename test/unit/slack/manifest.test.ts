import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/commands/index.js';
import { REDIRECT_PATH } from '../../../src/installations/flow.js';
import type { App, SlackDeps } from '../../../src/slack/context.js';
import {
  BOT_EVENTS,
  BOT_SCOPES,
  FUNCTIONS,
  METHOD_SCOPES,
  SLASH_COMMANDS,
  UNTIED_SCOPES,
} from '../../../src/slack/ids.js';
import { registerListeners } from '../../../src/slack/listeners/index.js';

/**
 * A reader for the small YAML subset the manifests use (nested maps, lists of scalars, lists of
 * maps, quoted or plain scalars). Enough to compare the manifests with the code, without a package.
 */
type Node = string | boolean | Node[] | { [key: string]: Node };
function parseYaml(text: string): Node {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\s+#.*$|^\s*#.*$/, ''))
    .filter((l) => l.trim() !== '')
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  let i = 0;
  const scalar = (s: string): Node => {
    if (/^".*"$/.test(s)) return JSON.parse(s) as string;
    return s === 'true' ? true : s === 'false' ? false : s;
  };
  const block = (indent: number): Node => {
    if (lines[i]?.text.startsWith('- ')) {
      const list: Node[] = [];
      while (lines[i] && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) {
        const rest = lines[i]!.text.slice(2);
        if (/^[\w.-]+:(\s|$)/.test(rest)) {
          // "- key: value" opens a map whose further keys sit two columns deeper.
          lines[i] = { indent: indent + 2, text: rest };
          list.push(block(indent + 2));
        } else {
          list.push(scalar(rest));
          i++;
        }
      }
      return list;
    }
    const map: Record<string, Node> = {};
    while (lines[i] && lines[i]!.indent === indent && !lines[i]!.text.startsWith('- ')) {
      const m = /^([\w.-]+):(?:\s+(.*))?$/.exec(lines[i]!.text);
      if (!m) throw new Error(`cannot read line: ${lines[i]!.text}`);
      i++;
      map[m[1]!] = m[2] ? scalar(m[2]) : block(lines[i]?.indent ?? indent);
    }
    return map;
  };
  return block(0);
}

const read = (file: string) => parseYaml(fs.readFileSync(file, 'utf8')) as any;

const CHANNELS = new Map([['team-invites', 'C0TEAMINV1']]);
const PEOPLE = new Map([['ann', 'U0ANN0001']]);

/**
 * What Slack sends as a command's text for what the person typed, per the command's
 * `should_escape` (docs.slack.dev: "escape channels, users, and links"; message formatting).
 * Escaped: `& < >` become entities, then addresses, known channels and people become links.
 * Not escaped: the text as typed, so a channel arrives as a bare `#name` with no id.
 */
function slackSends(typed: string, shouldEscape: boolean): string {
  if (!shouldEscape) return typed;
  return typed
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, (a) => `<mailto:${a}|${a}>`)
    .replace(/(^|\s)#([a-z0-9_-]+)/g, (m, pre: string, name: string) =>
      CHANNELS.has(name) ? `${pre}<#${CHANNELS.get(name)}|${name}>` : m,
    )
    .replace(/(^|\s)@(\w+)/g, (m, pre: string, name: string) =>
      PEOPLE.has(name) ? `${pre}<@${PEOPLE.get(name)}|${name}>` : m,
    );
}

/** Registers the real listeners on a recorder: what the code actually listens to. */
function registered() {
  const commands: string[] = [];
  const events: string[] = [];
  const functions: string[] = [];
  const recorder = {
    // A custom step is a listener on function_executed events for its callback_id.
    function: (callbackId: string) => {
      functions.push(callbackId);
      if (!events.includes('function_executed')) events.push('function_executed');
    },
    command: (name: string) => {
      commands.push(name);
    },
    event: (name: string) => {
      events.push(name);
    },
    action: () => {},
    view: () => {},
    error: () => {},
    use: () => {},
  };
  registerListeners(recorder as unknown as App, { clock: () => new Date() } as unknown as SlackDeps, async () => {});
  return { commands, events, functions };
}

/** Every Slack Web API method the app calls (`client.users.info(`, `slack.chat.postMessage(`…): all in src/slack. */
function methodsCalled(): Set<string> {
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? files(full) : e.name.endsWith('.ts') ? [full] : [];
    });
  const found = new Set<string>();
  for (const file of files('src/slack')) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:\b(?:client|slack)|\))\s*\.(auth|chat|conversations|users|views|apps|files|team)\s*\.(\w+)\s*\(/g,
    ))
      found.add(`${m[1]}.${m[2]}`);
  }
  return found;
}

describe('scopes', () => {
  const called = methodsCalled();

  it('every Web API method called in src/slack has its scopes listed', () => {
    expect(called.size).toBeGreaterThan(5);
    for (const method of called) expect(METHOD_SCOPES, method).toHaveProperty([method]);
  });

  it('BOT_SCOPES is exactly what the calls need, plus the documented untied scopes', () => {
    const needed = new Set<string>(UNTIED_SCOPES);
    for (const method of called) for (const scope of METHOD_SCOPES[method] ?? []) needed.add(scope);
    expect([...BOT_SCOPES].sort()).toEqual([...needed].sort());
  });
});

describe.each([
  ['slack-manifest.yml', 'http'],
  ['manifest/socket-mode.yml', 'socket'],
])('%s', (file, mode) => {
  const manifest = read(file);
  const code = registered();

  it('declares exactly the slash commands the code registers', () => {
    expect(manifest.features.slash_commands.map((c: any) => c.command).sort()).toEqual([...code.commands].sort());
    expect(code.commands).toEqual([...SLASH_COMMANDS]);
    for (const c of manifest.features.slash_commands) expect(c.description).toBeTruthy();
  });

  it('subscribes to exactly the bot events the code handles', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...code.events].sort());
    expect([...code.events].sort()).toEqual([...BOT_EVENTS].sort());
  });

  it('declares exactly the Workflow Builder steps the code handles, with their inputs and outputs', () => {
    expect(Object.keys(manifest.functions).sort()).toEqual([...code.functions].sort());
    expect(code.functions).toEqual(Object.values(FUNCTIONS));
    const step = manifest.functions[FUNCTIONS.invite];
    expect(Object.keys(step.input_parameters.properties)).toEqual(['email', 'name', 'role', 'interactivity']);
    expect(step.input_parameters.properties.interactivity.type).toBe('slack#/types/interactivity');
    expect(Object.keys(step.output_parameters.properties)).toEqual(['status', 'expires_at']);
    expect(manifest.settings.org_deploy_enabled).toBe(true);
  });

  it('asks for exactly the scopes the code needs', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
  });

  it('lets notices reach public channels the bot has not joined, and read channels to resolve #name', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['chat:write.public', 'channels:read']));
  });

  it('hears about its own uninstall', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
    );
  });

  it('has Slack escape /users text, which is the form parseCommand reads', () => {
    const [users] = manifest.features.slash_commands;
    const sent = (typed: string) => parseCommand(slackSends(typed, users.should_escape));
    // Only an escaped channel carries the id that notices are stored under.
    expect(sent('notify #team-invites')).toEqual({
      ok: true,
      command: { kind: 'notify', channel: { id: 'C0TEAMINV1', name: 'team-invites' } },
    });
    expect(sent('invite "Lee, Ann" <Ann@x.com> bob@x.com --admin')).toMatchObject({
      ok: true,
      command: {
        people: [
          { email: 'ann@x.com', name: 'Lee, Ann' },
          { email: 'bob@x.com', name: null },
        ],
        rejected: [],
        role: 'admin',
      },
    });
    expect(sent('find Smith & Sons')).toEqual({ ok: true, command: { kind: 'find', text: 'Smith & Sons', page: 1 } });
    expect(sent('link @ann')).toMatchObject({ ok: false, error: expect.stringMatching(/^"@ann" is a Slack mention/) });
    expect(users.should_escape).toBe(true);
  });

  it('enables the Home tab and interactivity', () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it(
    mode === 'http'
      ? 'sends "Add to Slack" installers back to the install pages'
      : 'has no OAuth redirect ("Add to Slack" needs HTTP mode)',
    () => {
      if (mode === 'http') expect(manifest.oauth_config.redirect_urls).toEqual([`https://YOUR-HOST${REDIRECT_PATH}`]);
      else expect(manifest.oauth_config.redirect_urls).toBeUndefined();
      // A single bot token cannot be refreshed: rotation stays off unless the operator turns it on.
      expect(manifest.settings.token_rotation_enabled).toBe(false);
    },
  );

  it(mode === 'http' ? 'points every request URL at /slack/events' : 'uses Socket Mode with no request URLs', () => {
    const urls = JSON.stringify(manifest).match(/"(url|request_url)":"[^"]*"/g) ?? [];
    if (mode === 'http') {
      expect(manifest.settings.socket_mode_enabled).toBe(false);
      expect(urls).toHaveLength(3);
      for (const u of urls) expect(u).toContain('https://YOUR-HOST/slack/events');
    } else {
      expect(manifest.settings.socket_mode_enabled).toBe(true);
      expect(urls).toEqual([]);
    }
  });
});

describe('parseYaml', () => {
  it('reads nested maps, scalar lists and lists of maps', () => {
    expect(parseYaml('a:\n  b: "x: y"\n  c:\n    - one\n    - chat:write\n  d:\n    - k: v\n      l: true\n')).toEqual({
      a: { b: 'x: y', c: ['one', 'chat:write'], d: [{ k: 'v', l: true }] },
    });
  });
});
