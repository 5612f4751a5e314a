// Busy cores for the race tests: one busy-loop child per core (a loaded machine delays the page's
// timers and promise callbacks and Kamailio's workers, which is when messages cross). Only the
// children started here are stopped, by their own handles.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** How many times each race case runs: RACE_REPEATS (npm run test:races sets 20), else 3. */
export const RACE_REPEATS = Number(process.env.RACE_REPEATS ?? 3);

/** Starts `count` busy loops (default: one per core); resolves to a function that stops them. */
export async function startCpuLoad(count = availableParallelism()) {
  const children = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('spawn', resolve))));
  return () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
}

/**
 * Runs `run(i)` `times` times in a row with every core busy; the load stops in `finally`. A failing
 * run says which run it was.
 */
export async function repeatUnderLoad(times, run) {
  const stop = await startCpuLoad();
  try {
    for (let i = 1; i <= times; i++) {
      try {
        await run(i);
      } catch (error) {
        error.message = `run ${i} of ${times} (cores busy): ${error.message}`;
        throw error;
      }
    }
  } finally {
    stop();
  }
}
