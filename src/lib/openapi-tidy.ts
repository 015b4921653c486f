// Post-processing of the generated OpenAPI document, for people and SDK generators:
// - fastify-type-provider-zod emits every registered schema twice (`X` for output, `XInput`
//   for input). Where both sides are the same, the `XInput` copy is dropped and its
//   references point at `X`; unused copies are dropped too.
// - zod writes its full ISO date-time regex beside `format: date-time`; the format says it.

type Json = unknown;
type Schemas = Record<string, Json>;

const SUFFIX = 'Input';
const refTo = (name: string) => `#/components/schemas/${name}`;

function mapRefs(node: Json, rename: Map<string, string>): Json {
  if (Array.isArray(node)) return node.map((n) => mapRefs(n, rename));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && rename.has(v)) out[k] = rename.get(v);
    else if (k === 'pattern' && (node as { format?: string }).format === 'date-time') continue;
    else out[k] = mapRefs(v, rename);
  }
  return out;
}

function refsIn(node: Json, found: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') found.add(v.slice(refTo('').length));
      else refsIn(v, found);
    }
  }
}

export function tidyOpenApi<T extends object>(doc: T): T {
  const schemas = ((doc as { components?: { schemas?: Schemas } }).components?.schemas ?? {}) as Schemas;
  // Repeat until stable: folding one pair can make its containers equal too.
  let rename = new Map<string, string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of Object.keys(schemas)) {
      if (!name.endsWith(SUFFIX) || rename.has(refTo(name))) continue;
      const base = name.slice(0, -SUFFIX.length);
      if (!(base in schemas)) continue;
      if (JSON.stringify(mapRefs(schemas[name], rename)) === JSON.stringify(mapRefs(schemas[base], rename))) {
        rename = new Map(rename).set(refTo(name), refTo(base));
        changed = true;
      }
    }
  }
  const tidied = mapRefs(doc, rename) as T & { components?: { schemas?: Schemas } };
  const kept = tidied.components?.schemas ?? {};
  // Keep only what the paths reach, directly or through other schemas.
  const reached = new Set<string>();
  refsIn({ ...tidied, components: { ...tidied.components, schemas: {} } }, reached);
  for (let queue = [...reached]; queue.length > 0; ) {
    const more = new Set<string>();
    refsIn(kept[queue.pop()!], more);
    for (const r of more) {
      if (reached.has(r)) continue;
      reached.add(r);
      queue.push(r);
    }
  }
  for (const name of Object.keys(kept)) if (!reached.has(name)) delete kept[name];
  // An input copy whose output twin is unused takes the plain name.
  const plain = new Map<string, string>();
  for (const name of Object.keys(kept)) {
    const base = name.slice(0, -SUFFIX.length);
    if (name.endsWith(SUFFIX) && !(base in kept)) plain.set(refTo(name), refTo(base));
  }
  if (plain.size === 0) return tidied;
  const renamed = mapRefs(tidied, plain) as typeof tidied;
  const out = renamed.components!.schemas!;
  for (const [from, to] of plain) {
    const [a, b] = [from.slice(refTo('').length), to.slice(refTo('').length)];
    out[b] = out[a];
    delete out[a];
  }
  return renamed;
}
