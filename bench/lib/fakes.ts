import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench's handle on the fakes running in their own process (see fake-process.ts). */
export interface Fakes {
  /** Base for SLACK_API_URL. */
  slackApiUrl: string;
  postmarkUrl: string;
  postmarkToken: string;
  setUser(id: string, email: string): void;
  /**
   * A response_url; `done` resolves when a message replacing the original arrives there (a redrawn
   * list), or with `first: true` when any message does (the list a command answers with). With
   * `keep: true` it resolves with the message's raw JSON (to check what the admin was shown), else null.
   */
  responseUrl(options?: { first?: boolean; keep?: boolean }): { url: string; done: Promise<string | null> };
  clearPosts(): void;
  resetPostmark(): void;
  /** chat.postMessage per channel; Postmark batch calls and messages since the last reset. */
  stats(): Promise<{ posts: Record<string, number>; calls: number; messages: number }>;
  /** Replays the recorded Postmark batches at the fake; returns the milliseconds taken. */
  replayPostmark(): Promise<number>;
  close(): Promise<void>;
}

type Message =
  | { type: 'ready'; slackUrl: string; postmarkUrl: string; token: string }
  | { type: 'respond'; id: number; replace: boolean; raw?: string }
  | { type: 'stats'; req: number; posts: Record<string, number>; calls: number; messages: number }
  | { type: 'replay'; req: number; ms: number };

export async function startFakes(): Promise<Fakes> {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-process.ts');
  const child = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { first: boolean; resolve: (raw: string | null) => void }>();
  const pending = new Map<number, (m: Message) => void>();
  let next = 1;
  let req = 1;
  const ready = await new Promise<Extract<Message, { type: 'ready' }>>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: Message) => {
      if (m.type === 'ready') resolve(m);
      else if (m.type === 'respond') {
        const w = waiting.get(m.id);
        if (w && (m.replace || w.first)) {
          w.resolve(m.raw ?? null);
          waiting.delete(m.id);
        }
      } else {
        pending.get(m.req)?.(m);
        pending.delete(m.req);
      }
    });
  });
  const ask = <T extends Message>(type: 'stats' | 'replay') =>
    new Promise<T>((resolve) => {
      const id = req++;
      pending.set(id, (m) => resolve(m as T));
      child.send({ type, req: id });
    });
  return {
    slackApiUrl: `${ready.slackUrl}/api`,
    postmarkUrl: ready.postmarkUrl,
    postmarkToken: ready.token,
    setUser: (id, email) => {
      child.send({ type: 'user', id, email });
    },
    responseUrl: (options = {}) => {
      const id = next++;
      const first = options.first === true;
      return {
        url: `${ready.slackUrl}/respond/${id}${options.keep ? '/keep' : ''}`,
        done: new Promise<string | null>((resolve) => waiting.set(id, { first, resolve })),
      };
    },
    clearPosts: () => {
      child.send({ type: 'clearPosts' });
    },
    resetPostmark: () => {
      child.send({ type: 'resetPostmark' });
    },
    stats: async () => {
      const m = await ask<Extract<Message, { type: 'stats' }>>('stats');
      return { posts: m.posts, calls: m.calls, messages: m.messages };
    },
    replayPostmark: async () => (await ask<Extract<Message, { type: 'replay' }>>('replay')).ms,
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}
