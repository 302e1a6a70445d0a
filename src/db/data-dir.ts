import fs from 'node:fs';
import path from 'node:path';

/**
 * DATA_DIR holds invite links (outbox emails), the CLI token, the dev app secret and the whole
 * embedded database: only its owner may read it. Modes given at creation do not fix what already
 * exists (an older version wrote 0644 files, `writeFileSync`'s mode only applies to a new file),
 * so every start re-applies 0700 to directories and 0600 to files. The umask covers the files
 * created later that we do not write ourselves (PGlite's WAL segments and relation files).
 */
export function secureDataDir(dataDir: string): void {
  process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  restrictModes(dataDir);
}

/** 0700 for `dir` and every directory under it, 0600 for every file. */
export function restrictModes(dir: string): void {
  fs.chmodSync(dir, 0o700);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) restrictModes(full);
    // Sockets and symlinks keep their own modes (chmod would follow a link out of DATA_DIR).
    else if (entry.isFile()) fs.chmodSync(full, 0o600);
  }
}
