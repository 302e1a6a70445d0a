import path from 'node:path';
import { type Config, loadConfigOrExit } from '../config.js';
import { DataDirLockedError, lockHolder } from '../db/lock.js';
import { cliDeps, createDeps, workerDeps } from '../deps.js';
import { startWorkers, waitForEmails } from '../jobs/index.js';
import { createLogger, stderrDestination } from '../log.js';
import { cliBackupVerb } from './backup.js';
import { sendToServer } from './channel.js';
import { type CliResult, runCli } from './run.js';

/**
 * `npm run cli -- <subcommand>`. With DATABASE_URL it connects directly. With the embedded database
 * it asks the running server (which holds DATA_DIR) or, when none runs, opens DATA_DIR itself and
 * delivers the emails it queued before exiting.
 */
/** `--file people.csv` names a file where the CLI runs, even when the server reads it. */
function absoluteFiles(argv: string[]): string[] {
  return argv.map((arg, i) =>
    argv[i - 1] === '--file'
      ? path.resolve(arg)
      : arg.startsWith('--file=')
        ? `--file=${path.resolve(arg.slice(7))}`
        : arg,
  );
}

async function main(rawArgv: string[]): Promise<number> {
  const argv = absoluteFiles(rawArgv);
  const config = loadConfigOrExit();
  const holder = config.databaseUrl ? null : lockHolder(config.dataDir);
  const result =
    (await cliBackupVerb(config, argv)) ??
    (holder !== null ? await viaServer(config.dataDir, holder.pid, argv) : await runDirect(config, argv));
  (result.code === 0 ? process.stdout : process.stderr).write(`${result.output}\n`);
  return result.code;
}

async function viaServer(dataDir: string, pid: number, argv: string[]): Promise<CliResult> {
  try {
    return await sendToServer(dataDir, argv);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      output:
        `Process ${pid} holds ${dataDir} but did not take the command (${why}). ` +
        'If the server is still starting, try again in a moment.',
      code: 1,
      queuedEmail: false,
    };
  }
}

async function runDirect(config: Config, argv: string[]): Promise<CliResult> {
  // Quiet: the CLI prints results, not the server's chatter; warnings still reach stderr.
  const log = createLogger({ level: 'warn', destination: stderrDestination() });
  const deps = await createDeps(config, { log, background: false });
  try {
    const result = await runCli(cliDeps(deps), argv, config.adminEmails[0] ?? null);
    if (result.queuedEmail) {
      await startWorkers(workerDeps(deps));
      const left = await waitForEmails(deps.queue.boss, 15_000);
      const where = config.postmark ? 'Postmark' : `${config.dataDir}/outbox`;
      result.output += left
        ? `\n${left} email(s) still queued; they will be delivered when the server runs.`
        : `\nEmail delivered to ${where}.`;
    }
    return result;
  } finally {
    await deps.close();
  }
}

main(process.argv.slice(2)).then(
  // Exit explicitly: pg-boss and PGlite leave timers behind that would keep a one-shot CLI alive.
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof DataDirLockedError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`cli: ${message}\n`);
    process.exit(1);
  },
);
