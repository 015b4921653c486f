// Files named on the `npm run import` command line as NDJSON items for `POST /v1/imports`:
// a wire story (.txt) is one `{"wire": …}` line, a ninjs file (.json) one `{"ninjs": …}` line
// per item (a file may hold one item or an array), an .ndjson file goes through as it is.
import { createReadStream, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import split2 from 'split2';

export type Source = { file: string; kind: 'wire' | 'ninjs' | 'ndjson' };

export function sourceOf(file: string): Source {
  const ext = extname(file).toLowerCase();
  if (ext === '.txt') return { file, kind: 'wire' };
  if (ext === '.json') return { file, kind: 'ninjs' };
  if (ext === '.ndjson' || ext === '.jsonl') return { file, kind: 'ndjson' };
  throw new Error(`${file}: use .txt (wire story), .json (ninjs item) or .ndjson`);
}

/** How many items a source holds (NDJSON files are counted by streaming them once). */
export async function countItems(s: Source): Promise<number> {
  if (s.kind === 'wire') return 1;
  if (s.kind === 'ninjs') {
    const parsed = JSON.parse(readFileSync(s.file, 'utf8')) as unknown;
    return Array.isArray(parsed) ? parsed.length : 1;
  }
  let n = 0;
  for await (const line of createReadStream(s.file).pipe(split2())) if ((line as string).trim() !== '') n++;
  return n;
}

async function* lines(sources: Source[]): AsyncGenerator<string> {
  for (const s of sources) {
    if (s.kind === 'wire') yield `${JSON.stringify({ wire: readFileSync(s.file, 'utf8') })}\n`;
    else if (s.kind === 'ninjs') {
      const parsed = JSON.parse(readFileSync(s.file, 'utf8')) as unknown;
      for (const item of Array.isArray(parsed) ? parsed : [parsed]) yield `${JSON.stringify({ ninjs: item })}\n`;
    } else {
      for await (const line of createReadStream(s.file).pipe(split2())) if ((line as string).trim() !== '') yield `${line as string}\n`;
    }
  }
}

/** Every item of every source as one NDJSON stream, read as it is sent. */
export const ndjsonOf = (sources: Source[]) => Readable.from(lines(sources));
