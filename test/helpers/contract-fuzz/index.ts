// Property-based fuzzing driven by the OpenAPI contract (openapi/openapi.json).
//
// For every operation in the contract this module generates requests with fast-check — valid
// ones from the JSON Schemas, and broken ones (wrong types, missing or unknown fields, huge or
// odd strings, deep nesting, bad headers and parameters) — sends them with app.inject to a real
// app on a fresh SQLite file, and checks four properties on every answer:
//
//   1. never a 5xx;
//   2. every 4xx is RFC 9457 application/problem+json with type, title, status and detail
//      (and matches the contract's Problem schema);
//   3. a request that is not a successful write (any non-2xx, and every GET) changes nothing in
//      the database (a checksum of every content table, volatile columns excluded);
//   4. every 2xx JSON body validates against the response schema the contract gives for it.
//
// Requests are generated symbolically ("the 2nd draft article, by slug", "the current version
// of the target") and resolved against the live database just before they are sent, because
// earlier cases create, rename and delete things. A small set of fixtures is topped up before
// every case so destructive operations do not starve the ones after them.
//
// Used by test/fuzz.test.ts (bounded, fixed seed, in CI) and scripts/fuzz.ts (more runs, summary).
//
// One file per concern: contract.ts (the document and the validator), symbols.ts, odd-inputs.ts,
// schema-gen.ts, hints.ts and plans.ts (generation), fixtures.ts and resolve.ts (the app and
// concrete requests), checksum.ts and check.ts (the properties), driver.ts and stats.ts (running).

export { createValidator, familyOf, loadContract, seedFor, type JsonSchema, type Operation, type SchemaValidator } from './contract.js';
export { checkResponse, type Answer, type CaseOutcome, type KnownBug, type Violation } from './check.js';
export { diffSnapshots, snapshot } from './checksum.js';
export { familiesOf, runCase } from './driver.js';
export { startFuzzApp, type FuzzEnv } from './fixtures.js';
export { mixedArbitrary, planArbitrary } from './plans.js';
export { type ConcreteRequest } from './resolve.js';
export { type RequestPlan } from './symbols.js';
export { FuzzStats, KNOWN_BUGS } from './stats.js';
