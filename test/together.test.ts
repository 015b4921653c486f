import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { together } from '../src/db/together.js';

t.test('gives every result, in order', async (t) => {
  t.same(await together([sleep(20).then(() => 'slow'), Promise.resolve(2)]), ['slow', 2]);
});

t.test('waits for every step, then throws the first error in the order given', async (t) => {
  let lastDone = false;
  const steps = [
    sleep(20).then(() => Promise.reject(new Error('lock timed out'))),
    Promise.reject(new Error('transaction aborted')),
    sleep(40).then(() => void (lastDone = true)),
  ];
  await t.rejects(together(steps), { message: 'lock timed out' }, 'the earlier step’s error, though it came later');
  t.ok(lastDone, 'no step was still running when it threw');
});
