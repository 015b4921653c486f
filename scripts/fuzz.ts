// Runs the contract fuzzer (test/helpers/contract-fuzz/) with more cases than CI does, and
// prints cases per operation, the status histogram, known bugs hit, contract-drift notes and
// every distinct property violation with a reproduction. Unlike the test, a violation does not
// stop an operation's run: everything is collected.
//
//   npm run fuzz -- [--runs 500] [--mixed 2000] [--seed 42] [--only createArticle,updateArticle] [--examples] [--notes]
//
// --runs: cases per operation, each family of operations on its own app (default 200);
// --mixed: then cases interleaving every operation in one app (default 4 × runs; not with --only);
// --examples: one request and answer per operation and status; --notes: one per contract-drift note.
//
// With the CI seed (--seed 20251124 --runs 100 --mixed 400) it sends the same requests as the test.
// Exits 1 when a property broke (known bugs included; they are listed apart, with their reproduction).

import { parseArgs } from 'node:util';
import fc from 'fast-check';
import {
  createValidator,
  familiesOf,
  FuzzStats,
  KNOWN_BUGS,
  loadContract,
  mixedArbitrary,
  planArbitrary,
  runCase,
  seedFor,
  startFuzzApp,
} from '../test/helpers/contract-fuzz/index.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    mixed: { type: 'string' },
    seed: { type: 'string' },
    only: { type: 'string' },
    examples: { type: 'boolean', default: false },
    notes: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const mixedRuns = values.mixed === undefined ? runs * 4 : Number(values.mixed);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(mixedRuns) || mixedRuns < 0 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--runs N] [--mixed N] [--seed S] [--only op1,op2] [--examples] [--notes]');
  process.exit(2);
}
const only = values.only?.split(',').map((s) => s.trim());

const contract = loadContract();
const unknown = only?.filter((id) => !contract.operations.some((op) => op.id === id)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown operation ids: ${unknown.join(', ')}`);
  process.exit(2);
}
const validate = createValidator(contract);
const stats = new FuzzStats();
stats.keepExamples = values.examples;

const families = familiesOf(contract.operations, only);

console.log(`fuzzing ${[...families.values()].flat().length} operations, ${runs} cases each, seed ${seed}`);
const started = performance.now();
const cleanups: Array<() => unknown> = [];
try {
  for (const [family, operations] of families) {
    const familyStart = performance.now();
    const env = await startFuzzApp({ teardown: (fn) => cleanups.push(fn) }, validate, stats, KNOWN_BUGS);
    for (const op of operations) {
      // Collect, do not stop: the property itself never fails, runCase records what broke.
      const property = fc.asyncProperty(planArbitrary(op, contract.components), async (plan) => {
        await runCase(env, op, plan);
      });
      await fc.assert(property, { numRuns: runs, seed: seedFor(seed, op) });
    }
    console.log(`  ${family}: ${Math.round(performance.now() - familyStart)} ms`);
    while (cleanups.length > 0) await cleanups.pop()!();
  }
  if (!only && mixedRuns > 0) {
    const mixedStart = performance.now();
    const env = await startFuzzApp({ teardown: (fn) => cleanups.push(fn) }, validate, stats, KNOWN_BUGS);
    await fc.assert(
      fc.asyncProperty(mixedArbitrary(contract), async ({ op, plan }) => {
        await runCase(env, op, plan);
      }),
      { numRuns: mixedRuns, seed },
    );
    console.log(`  every operation interleaved: ${Math.round(performance.now() - mixedStart)} ms`);
  }
} finally {
  while (cleanups.length > 0) await cleanups.pop()!();
}

const seconds = (performance.now() - started) / 1000;
console.log('');
console.log(stats.report());
const hit = KNOWN_BUGS.filter((b) => [...stats.known.values()].some((k) => k.bug === b.id));
for (const bug of hit) {
  const example = [...stats.known.values()].find((k) => k.bug === bug.id)!.example;
  console.log(`\n${bug.id}: ${bug.summary}\n${example.repro}`);
}
if (values.notes) {
  console.log('\nnote examples:');
  for (const n of stats.notes.values()) console.log(`\n${n.kind} ${n.key}\n${n.repro}`);
}
if (values.examples) {
  console.log('\nexample per operation and status:');
  for (const [key, repro] of stats.examples) console.log(`\n== ${key}\n${repro}`);
}
console.log(`\n${stats.total()} cases in ${seconds.toFixed(1)} s (${Math.round(stats.total() / seconds)}/s), seed ${seed}`);
process.exit(stats.violations.size > 0 || hit.length > 0 ? 1 : 0);
