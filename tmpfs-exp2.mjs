import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
setInterval(() => {}, 1000);
process.on('exit', (c) => console.log('EXIT', c));
const dir = '/tmp/reliab-exp/tmpfs/pg';
fs.mkdirSync(dir, { recursive: true });
const db = await PGlite.create(dir);
console.log('created');
await db.exec('create table t (id serial primary key, v text)');
await db.exec(`insert into t (v) select md5(random()::text) from generate_series(1, 60000)`);
const keep = Number(process.argv[2]);
const free = fs.statfsSync('/tmp/reliab-exp/tmpfs').bavail * 4096;
console.log('free', free);
fs.writeFileSync('/tmp/reliab-exp/tmpfs/filler', Buffer.alloc(free - keep));
const t0 = Date.now(); setInterval(() => console.log('tick', Date.now() - t0, process.cpuUsage().user/1000|0), 3000);
for (let i = 0; i < 40; i++) {
  try {
    await db.exec(`update t set v = md5(v) where id % 3 = ${i % 3}`);
    console.log('update ok', i, fs.readdirSync(dir + '/pg_wal').length);
  } catch (e) { console.log('update error', i, Date.now() - t0, e.code, e.message); break; }
}
console.log('after loop', Date.now() - t0);
process.exit(0);
