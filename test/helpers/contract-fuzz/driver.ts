// Running one case: resolve, send, snapshot, check, record.

import { type CaseOutcome, checkResponse, formatRepro, type Violation } from './check.js';
import { currentSnapshot } from './checksum.js';
import { familyOf, type Operation } from './contract.js';
import { type FuzzEnv, replenish } from './fixtures.js';
import { resolvePlan } from './resolve.js';
import { type RequestPlan } from './symbols.js';

export async function runCase(env: FuzzEnv, op: Operation, plan: RequestPlan): Promise<CaseOutcome> {
  await replenish(env);
  const req = await resolvePlan(env, op, plan);
  const db = env.ctx.app.db;
  const outcome: CaseOutcome = { status: 0, violations: [], known: [] };
  for (let i = 0; i < (plan.repeat ? 2 : 1); i++) {
    const before = await currentSnapshot(db);
    const res = await env.ctx.app.inject({ method: req.method, url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }) });
    const after = await currentSnapshot(db);
    const { violations, notes } = checkResponse(env.validate, op, req, res, before.snap, after.snap);
    const known: CaseOutcome['known'] = [];
    const fresh: Violation[] = [];
    for (const v of violations) {
      const bug = env.knownBugs.find((b) => b.matches(v, req, op, db));
      if (bug) known.push({ bug: bug.id, violation: v });
      else fresh.push(v);
    }
    const kept = plan.bodyValid ? notes : notes.filter((n) => n.kind !== 'valid-body-rejected');
    env.stats.record(op.id, res.statusCode, fresh, known, kept, () => formatRepro(req, res));
    if (plan.corrupted.length === 0) env.stats.countValid(res.statusCode);
    outcome.status = res.statusCode;
    outcome.violations.push(...fresh.map((v) => (i === 0 ? v : { ...v, message: `on the second, identical request: ${v.message}` })));
    outcome.known.push(...known);
  }
  return outcome;
}

/** Operations by family (each family is fuzzed on its own app), in contract order; `only` keeps the ids it names. */
export function familiesOf(operations: Operation[], only?: string[]): Map<string, Operation[]> {
  const families = new Map<string, Operation[]>();
  for (const op of operations) {
    if (only && !only.includes(op.id)) continue;
    families.set(familyOf(op), [...(families.get(familyOf(op)) ?? []), op]);
  }
  return families;
}
