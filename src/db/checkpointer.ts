import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { Piscina } from 'piscina';
import type { CheckpointTask } from './checkpoint-thread.js';

// SQLite's default is that the commit which grows the write-ahead log past 1000 pages also
// checkpoints it: copies those pages into the database file and syncs it, inside COMMIT,
// on the event loop. Saving a 0.5 MB article writes ~1,100 pages (row, search index,
// revision), so nearly every large save paid for a checkpoint: 85–130 ms of a 100–150 ms
// stall measured with bench/save-profile.ts, where the commit itself takes 3 ms. Here the
// writer stops checkpointing; a thread with its own connection does it, a few times a second.

// piscina starts the thread: it loads a TypeScript task under tsx (tests, `npm run dev`),
// which a plain Worker's entry file cannot on Node 20.
const taskFile = fileURLToPath(new URL(`./checkpoint-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/** How often the thread checkpoints; the log grows by at most this much writing in between. */
const INTERVAL_MS = 200;
/** SQLite's own default: what the writer does whenever the thread is not doing it. */
const AUTOCHECKPOINT_PAGES = 1000;
/**
 * The thread starts once the log has grown this large (a stat of the file per interval
 * until then): an app that writes little — a test, a script — never pays for one, and a
 * checkpoint of less is a few milliseconds.
 */
const START_AT_BYTES = 1024 * 1024;

/**
 * Moves `writer`'s checkpoints to a thread. Until the thread's first checkpoint, and for
 * good if one fails, the writer checkpoints as SQLite does by default: the log never grows
 * without bound.
 */
export function checkpointOffLoop(
  writer: Database.Database,
  file: string,
  onError: (err: unknown) => void,
  { intervalMs = INTERVAL_MS, startAtBytes = START_AT_BYTES } = {},
) {
  let state: 'waiting' | 'starting' | 'running' | 'stopped' = 'waiting';
  let pool: Piscina<CheckpointTask, void> | undefined;
  let inFlight: Promise<void> | undefined;

  const fallBack = (err: unknown) => {
    if (state === 'stopped') return;
    state = 'stopped';
    clearInterval(timer);
    if (writer.open) writer.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    onError(err);
  };

  async function tick() {
    if (state === 'waiting') {
      const wal = await stat(`${file}-wal`).catch(() => undefined);
      if ((wal?.size ?? 0) < startAtBytes || state !== 'waiting') return;
      state = 'starting';
      pool = new Piscina({ filename: taskFile, minThreads: 1, maxThreads: 1, idleTimeout: Infinity });
    }
    if (state === 'stopped' || !pool) return;
    await pool.run({ file });
    if (state === 'starting' && writer.open) {
      writer.pragma('wal_autocheckpoint = 0');
      state = 'running';
    }
  }
  const timer = setInterval(() => {
    inFlight ??= tick()
      .catch(fallBack)
      .finally(() => (inFlight = undefined));
  }, intervalMs).unref();

  return {
    /** Stops the thread after it closed its connection; call before closing `writer`. */
    async stop() {
      const was = state;
      state = 'stopped';
      clearInterval(timer);
      if (!pool) return;
      // A thread still starting has opened nothing worth waiting for.
      if (was === 'running') {
        await inFlight;
        await pool.run({ file, close: true }).catch(() => undefined);
      }
      await pool.destroy();
    },
  };
}
