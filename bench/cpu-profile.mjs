// Preload for profiling the bench's bot under load (Node 20 refuses --cpu-prof in NODE_OPTIONS):
//   BENCH_BOT_NODE_OPTIONS="--import ./bench/cpu-profile.mjs" BENCH_LOAD_KINDS=postgres npx tsx bench/load.ts
// writes bot-<pid>.cpuprofile (open it in Chrome DevTools) to BENCH_PROFILE_DIR or the temp folder
// when the bot exits. Picture workers are not profiled (their threads have inspectors of their own).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import path from 'node:path';

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');
process.on('exit', () => {
  // On the main thread the inspector answers synchronously, so this runs before the process is gone.
  session.post('Profiler.stop', (err, result) => {
    if (err) return;
    const file = path.join(process.env.BENCH_PROFILE_DIR ?? tmpdir(), `bot-${process.pid}.cpuprofile`);
    writeFileSync(file, JSON.stringify(result.profile));
    process.stderr.write(`CPU profile written to ${file}\n`);
  });
});
