// Deterministic newsroom text: a seeded PRNG and a Zipf-weighted vocabulary, so the same
// seed always builds the same dataset and word frequencies look like real prose.

import { prng, type Rng } from '../scripts/lib/prng.js';

export { prng, type Rng };

export const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** `k` distinct indexes below `n`, in drawn order. */
export function distinct(rng: Rng, n: number, k: number): number[] {
  const out: number[] = [];
  while (out.length < k) {
    const i = Math.floor(rng() * n);
    if (!out.includes(i)) out.push(i);
  }
  return out;
}

const FUNCTION_WORDS = `the of and to in a that is for on said was with as it by at from he she his her have has be are
were an this which not but after its they their who will would had been more than also over into about year new last
could some when there all two`.split(/\s+/);

const CONTENT_WORDS = `government minister election court police city officials president economy market budget council
report week percent people million state country public health water school workers company bank energy prices policy
law vote parliament party union strike trade tax housing rent transport rail airport port border migrants climate flood
storm drought fire harvest farmers factory jobs wages inflation rates debt bonds shares investors exports imports tourism
hotel festival museum theatre film music football league match coach players stadium hospital doctors nurses patients
vaccine research university students teachers scientists data technology internet software phone network security defence
army navy ceasefire talks treaty summit embassy ambassador senator mayor governor judge lawyers trial verdict appeal prison
reform protest march crowd square street bridge tunnel metro bus road traffic cars electric battery solar wind gas oil
coal mine river coast island mountain village region province capital district neighbourhood residents families children
pensions benefits welfare spending deficit growth recession recovery forecast survey poll campaign candidate coalition
opposition cabinet ministry agency regulator inquiry investigation scandal fraud corruption audit contract tender
construction project plan proposal bill decree ruling decision statement spokesman spokeswoman interview conference
meeting session deadline delay cost price fee fine penalty ban licence permit quota tariff subsidy grant loan fund donor
aid charity volunteers rescue shelter food grain wheat coffee cocoa sugar fish cattle forest wildlife species pollution
emissions carbon heat rain snow temperature season morning evening night weekend month decade century history record
increase decline shortage surplus demand supply output production sales profit loss revenue earnings quarter board chief
executive director founder owner tenant landlord mortgage property land building tower office store shop restaurant`.split(/\s+/);

/** Function words take the top ranks, as in real text; "government" is the first content word. */
export const VOCABULARY = [...FUNCTION_WORDS, ...CONTENT_WORDS];
/** A common body word for the search workload (rank 57 of 324: in about 3 bodies of 4). */
export const SEARCH_WORD = 'government';

// Zipf (s = 1) cumulative weights over the vocabulary, sampled by binary search.
const cumulative: number[] = [];
VOCABULARY.reduce((sum, _w, rank) => {
  cumulative.push(sum + 1 / (rank + 1));
  return sum + 1 / (rank + 1);
}, 0);

function zipfWord(rng: Rng): string {
  const x = rng() * cumulative.at(-1)!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo]!;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function sentence(rng: Rng, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = zipfWord(rng);
    const r = rng();
    if (r < 0.01) w = `**${w}**`;
    else if (r < 0.015) w = `[${w}](https://example.com/${w})`;
    out.push(w);
  }
  return `${capital(out.join(' '))}.`;
}

/** About `target` words of Markdown: paragraphs, now and then a subhead or a quote. */
export function markdownBody(rng: Rng, target: number): string {
  const blocks: string[] = [];
  let count = 0;
  while (count < target) {
    const sentences: string[] = [];
    for (let s = int(rng, 2, 5); s > 0 && count < target; s--) {
      const n = Math.min(int(rng, 10, 22), target - count);
      sentences.push(sentence(rng, n));
      count += n;
    }
    const r = rng();
    if (blocks.length > 0 && r < 0.1) blocks.push(`## ${capital(zipfWord(rng))} ${CONTENT_WORDS[int(rng, 0, 40)]}`);
    blocks.push(r > 0.9 ? `> “${sentences.join(' ')}”` : sentences.join(' '));
  }
  return blocks.join('\n\n');
}

/** A headline of content words: `Minister delays rail budget vote`. */
export function headlineWords(rng: Rng): string[] {
  return Array.from({ length: int(rng, 5, 9) }, () => pick(rng, CONTENT_WORDS));
}

export const CITIES = ['Washington', 'London', 'Paris', 'Berlin', 'Lisbon', 'Madrid', 'Rome', 'Tokyo', 'Nairobi', 'São Paulo', 'Mumbai', 'Sydney'];
export const FIRST_NAMES = 'Ana Ben Chloé Dev Elif Femi Grace Hiro Inês Jonas Kofi Lena Marta Nils Omar Priya Quinn Rosa Sami Tomás'.split(' ');
export const LAST_NAMES = 'Almeida Brennan Çelik Dubois Eriksen Fujita García Haddad Iyer Kowalski Mensah Novak'.split(' ');
export const TAGS = `Politics Economy Climate Health Technology Sport Culture Science Education Transport Energy Housing Justice
Defence Diplomacy Business Agriculture Environment Migration Elections`.split(/\s+/);
