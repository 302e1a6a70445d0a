import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** docs/architecture.md, as a table: which folders of src/ each folder may import. */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ENTRY = new Set([
  'index.ts',
  'deps.ts',
  'tenants.ts',
  'server.ts',
  'config.ts',
  'config-rules.ts',
  'cli/main.ts',
  'cli/migrate.ts',
  'cli/backup.ts',
]);
/** Cross-cutting leaves anyone may use: text helpers, the logger, the metrics registry. */
const LEAVES = ['text', 'log', 'metrics'];
const SERVICES = ['invitations', 'delivery', 'notices', 'installations'];
const ALLOWED: Record<string, readonly string[]> = {
  text: [],
  log: [],
  metrics: [],
  db: LEAVES,
  email: LEAVES,
  invitations: ['db', ...LEAVES],
  delivery: ['invitations', 'db', 'email', ...LEAVES],
  notices: ['invitations', 'db', ...LEAVES],
  installations: ['invitations', 'db', ...LEAVES],
  commands: ['invitations', ...LEAVES],
  slack: [...SERVICES, 'commands', 'config', 'tenants', ...LEAVES],
  web: [...SERVICES, 'tenants', ...LEAVES],
  cli: [...SERVICES, 'commands', 'tenants', ...LEAVES],
  jobs: [...SERVICES, 'email', 'db/queue', 'tenants', ...LEAVES],
};

/** The layer of a file under src/: its first folder, the entry points, or a root module. */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep).join('/');
  if (ENTRY.has(rel)) return 'entry';
  if (!rel.includes('/')) return rel.replace(/\.ts$/, '');
  return rel.split('/')[0] as string;
}

/** Whether `to` (a file under src/) falls under an allowed folder, module or single file. */
const covered = (allowed: readonly string[], to: string): boolean => {
  const rel = path.relative(SRC, to).split(path.sep).join('/').replace(/\.ts$/, '');
  return allowed.some((a) => rel === a || rel.startsWith(`${a}/`));
};

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every relative import (static, type-only and dynamic) of a file, resolved to a .ts path. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => path.resolve(path.dirname(file), (s as string).replace(/\.js$/, '.ts')));
}

/** Every import that breaks the rules, as "from → to". */
function violations(): string[] {
  const bad: string[] = [];
  for (const file of filesUnder(SRC)) {
    const from = layerOf(file);
    if (from === 'entry') continue;
    for (const target of importsOf(file)) {
      if (!target.startsWith(SRC)) continue; // migrations/, package files
      const to = layerOf(target);
      if (to === from) continue;
      if (!covered(ALLOWED[from] ?? [], target))
        bad.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
    }
  }
  return bad;
}

describe('architecture (docs/architecture.md)', () => {
  it('no file under src/ imports upwards or sideways into another adapter', () => {
    expect(violations()).toEqual([]);
  });

  it('the check catches a forbidden import (slack → db, invitations → slack, jobs → Block Kit)', () => {
    const slack = path.join(SRC, 'slack/x.ts');
    expect(covered(ALLOWED[layerOf(slack)] ?? [], path.join(SRC, 'db/database.ts'))).toBe(false);
    const rules = path.join(SRC, 'invitations/x.ts');
    expect(covered(ALLOWED[layerOf(rules)] ?? [], path.join(SRC, 'slack/ids.ts'))).toBe(false);
    const job = path.join(SRC, 'jobs/x.ts');
    expect(covered(ALLOWED[layerOf(job)] ?? [], path.join(SRC, 'slack/blocks/notice.ts'))).toBe(false);
    expect(covered(ALLOWED[layerOf(job)] ?? [], path.join(SRC, 'db/queue.ts'))).toBe(true);
    expect(covered(ALLOWED[layerOf(job)] ?? [], path.join(SRC, 'db/database.ts'))).toBe(false);
  });
});
