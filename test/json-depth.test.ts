import t from 'tap';
import { jsonDepth } from '../src/plugins/json-body.js';

// The nesting check runs before JSON.parse on every body: brackets inside strings, and
// quotes escaped inside strings, must not count; a long string must not cost a walk.

t.test('counts nesting outside strings only', async (t) => {
  t.equal(jsonDepth('{}'), 1);
  t.equal(jsonDepth('[[[1]],{"a":[{}]}]'), 4);
  t.equal(jsonDepth('{"body":"[[[[{{{{"}'), 1, 'brackets in a string');
  t.equal(jsonDepth('{"a":"say \\"[[[\\" twice","b":[[]]}'), 3, 'escaped quotes do not end the string');
  t.equal(jsonDepth('{"a":"ends in a backslash \\\\","b":[[]]}'), 3, 'an escaped backslash before the quote does');
  t.equal(jsonDepth('{"a":"\\\\\\"[[[","b":1}'), 1, 'three backslashes: the quote is escaped');
  t.equal(jsonDepth('{"unterminated": "[[[['), 1);
  t.equal(jsonDepth('"just a string"'), 0);
});

t.test('a half-megabyte body of brackets is quick', async (t) => {
  const text = JSON.stringify({ headline: 'x', body: '!['.repeat(250_000) });
  t.equal(jsonDepth(text), 1);
  // The quickest of ten, so a busy machine's preemptions do not count. Walking it took
  // 2–5 ms; skipping the string with indexOf takes a small fraction of one.
  let ms = Infinity;
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    jsonDepth(text);
    ms = Math.min(ms, performance.now() - started);
  }
  t.ok(ms < 1, `${ms.toFixed(3)} ms per check`);
});
