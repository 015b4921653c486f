// W8: a bulk import of wire stories through `POST /v1/imports` (NDJSON, streamed) while an
// editor saves one article over and over on the side. Reports articles/s for the import and
// the editor's save latency (p50/p99) from the same run.
import { request } from 'node:http';
import { Readable } from 'node:stream';
import type { Check, Row } from './report.js';
import { CITIES, FIRST_NAMES, headlineWords, LAST_NAMES, markdownBody, prng } from './text.js';

export type ImportRun = { stories: number; created: number; failed: number; seconds: number; perSec: number; editor: { saves: number; p50: number; p99: number; max: number; errors: number };
  /** The server's CPU during the import, in ms: its event loop (the writer) and its other threads (set by the caller). */
  cpu?: { mainMs: number; othersMs: number };
};

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

/**
 * ~500-word wire stories: a pool of bodies, every story with its own headline (so its own hash).
 * The bodies are JSON-escaped once and each line is spliced from its escaped head and body: the
 * client shares the server's two cores, and escaping 2.7 KB per line was its largest cost.
 */
function stories(count: number, runId: string): Readable {
  const rng = prng(8);
  const bodies = Array.from({ length: 64 }, () => JSON.stringify(markdownBody(rng, 500)).slice(1));
  let i = 0;
  return new Readable({
    read() {
      for (let k = 0; k < 64 && i < count; k++, i++) {
        const city = CITIES[i % CITIES.length]!;
        const a = `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[(i >> 2) % LAST_NAMES.length]}`;
        const b = `${FIRST_NAMES[(i + 7) % FIRST_NAMES.length]} ${LAST_NAMES[(i >> 3) % LAST_NAMES.length]}`;
        const head = `${headlineWords(rng).join(' ')} ${runId}-${i}`;
        // The same bytes as JSON.stringify({ wire }): the escaped start without its closing quote, then the escaped body.
        const start = JSON.stringify(`${head}\n\nA standfirst for story ${i}.\n\n${city} Bureau/${a} and ${b}\n\n${city.toUpperCase()}: `).slice(0, -1);
        this.push(`{"wire":${start}${bodies[i % bodies.length]}}\n`);
      }
      if (i >= count) this.push(null);
    },
  });
}

function upload(base: string, token: string, count: number, runId: string): Promise<{ created: number; failed: number; firstProblem?: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL('/v1/imports?createMissing=true', base);
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } });
    req.on('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`importArticles answered ${res.statusCode}`));
      const totals: { created: number; failed: number; firstProblem?: string } = { created: 0, failed: 0 };
      let rest = '';
      res.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop()!;
        for (const l of lines) {
          const r = JSON.parse(l) as { status: string; problem?: { detail: string } };
          if (r.status === 'created') totals.created++;
          else if (r.status === 'failed') {
            totals.failed++;
            totals.firstProblem ??= r.problem?.detail;
          }
        }
      });
      res.on('end', () => resolve(totals));
    });
    req.on('error', reject);
    stories(count, runId).pipe(req);
  });
}

/** An editor saving the same draft every ~100 ms: each save is a PATCH with its version. */
async function editor(base: string, token: string, bureau: string, stop: () => boolean) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const res = await fetch(`${base}/v1/articles`, { method: 'POST', headers, body: JSON.stringify({ headline: `Editor's draft ${Date.now()}`, bureau, body: markdownBody(prng(9), 500) }) });
  const draft = (await res.json()) as { id: number; version: number };
  const id = draft.id;
  let version = draft.version;
  const times: number[] = [];
  let errors = 0;
  for (let n = 0; !stop(); n++) {
    const t0 = performance.now();
    const r = await fetch(`${base}/v1/articles/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ version, standfirst: `Save number ${n}` }) });
    const body = (await r.json()) as { version: number };
    times.push(performance.now() - t0);
    if (r.status === 200) version = body.version;
    else errors++;
    await new Promise((r) => setTimeout(r, 100));
  }
  times.sort((a, b) => a - b);
  return { saves: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) ?? NaN, errors };
}

export async function runImport(base: string, token: string, bureau: string, count: number): Promise<ImportRun> {
  let done = false;
  const side = editor(base, token, bureau, () => done);
  const t0 = performance.now();
  const totals = await upload(base, token, count, Date.now().toString(36)).finally(() => (done = true));
  const seconds = (performance.now() - t0) / 1000;
  const ed = await side;
  if (totals.firstProblem) console.log(`\n  W8 first failed line: ${totals.firstProblem}`);
  return { stories: count, ...totals, seconds, perSec: Math.round(totals.created / seconds), editor: ed };
}

/** CPU per imported line: what the rate would be on an idle machine is bounded by these, not by the neighbours. */
const cpuNote = (r: ImportRun) =>
  r.cpu ? `; server CPU per line: event loop ${(r.cpu.mainMs / r.stories).toFixed(2)} ms, other threads ${(r.cpu.othersMs / r.stories).toFixed(2)} ms` : '';

export function importRow(r: ImportRun, rssMb: number | null): Row {
  return {
    id: 'W8',
    name: `bulk import, ${r.stories.toLocaleString('en')} wire stories (editor saves beside it)`,
    m: { reqPerSec: r.perSec, okPerSec: r.perSec, p50: r.editor.p50, p99: r.editor.p99, errors: r.editor.errors, timeouts: 0, non2xx: r.failed, statusCodes: {}, requests: r.stories, seconds: r.seconds },
    note: `articles/s in ok/s; p50/p99 are the editor's ${r.editor.saves} saves during the import (max ${r.editor.max.toFixed(1)} ms); ${r.created} created, ${r.failed} failed in ${r.seconds.toFixed(1)} s${cpuNote(r)}`,
    rssMb,
  };
}

export function importChecks(r: ImportRun): Check[] {
  return [
    { target: 'W8 bulk import >= 2000 articles/s', pass: r.perSec >= 2000, detail: `${r.perSec}/s` },
    { target: 'W8 editor saves p99 < 100 ms during the import', pass: r.editor.p99 < 100, detail: `${r.editor.p99.toFixed(1)} ms over ${r.editor.saves} saves` },
  ];
}
