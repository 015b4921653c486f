import t from 'tap';
import { runCrashTest, summary } from '../../scripts/crash-test.js';

// The crash test's own logic (scripts/crash-test.ts) with 20 SIGKILLs. Most of the run is
// 21 server starts under tsx and, at the end, waiting out the webhook lease (timeout + 60 s)
// of a delivery claimed at a kill, which must be sent again for at-least-once delivery.
t.setTimeout(300_000);

t.test('20 SIGKILLs under write load lose nothing acknowledged', async (t) => {
  const report = await runCrashTest({ kills: 20, seed: 424_242, workers: 8, log: (line) => t.comment(line) });
  t.comment(summary(report));
  t.same(report.violations, [], 'no violations');
  t.equal(report.kills, 20);
  t.ok(report.acknowledgedWrites > 100, 'the load acknowledged writes in every round');
  t.ok(report.inFlightAtKill > 0, 'writes were in flight at the kills');
  t.ok(report.finalRetries.keys > 0, 'kills left keyed creates unanswered');
  t.same(report.finalRetries.statuses, { 201: report.finalRetries.keys }, 'every one of them, sent again after the last restart, is a 201: no key is stuck');
  t.ok(report.deliveries.events > 0 && report.deliveries.received >= report.deliveries.events, 'every event delivered at least once');
  t.equal(report.deliveries.badSignatures, 0);
});
