import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * For evidence only: the same src compiled by tsc (what `npm run build` produces), so the cold start
 * can be split into "TypeScript transformed at start by tsx" and "the app itself". Written under
 * node_modules/.cache so packages resolve and nothing lands in the repo's tree.
 */
const out = path.join('node_modules', '.cache', 'bench-dist');

export function removeCompiled(): void {
  fs.rmSync(out, { recursive: true, force: true });
}

export function compileForStart(): string | null {
  fs.rmSync(out, { recursive: true, force: true });
  // tsc emits even when some unrelated file fails type-checking; the entry point is what matters.
  spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--outDir', out, '--sourceMap', 'false'],
    { stdio: 'ignore' },
  );
  const entry = path.join(out, 'src', 'index.js');
  return fs.existsSync(entry) ? entry : null;
}
