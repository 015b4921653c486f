// JSON Schema → fast-check: valid values from a schema, and values that break it.

import fc from 'fast-check';
import { type JsonSchema, type JsonType } from './contract.js';
import { BAD_DATE_TIMES, dateTime, NASTY_STRINGS } from './odd-inputs.js';

/** Extra generators by property name (`authors[]` for array items), mixed in with the schema's own. */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

export const typesOf = (s: JsonSchema): JsonType[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);

const nest = (depth: number, leaf: unknown, asObject: boolean): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
};

/** Lookarounds are not supported by fc.stringMatching: generate without them, keep what matches. */
const withoutLookarounds = (pattern: string) => pattern.replace(/\(\?<?[=!][^()]*(?:\([^()]*\)[^()]*)*\)/g, '');

export class SchemaGen {
  constructor(
    private readonly components: Record<string, JsonSchema>,
    private readonly hints: Hints,
    /** How much more often a hint is used than the schema's own generator. */
    private readonly hintWeight = 3,
  ) {}

  deref(s: JsonSchema): JsonSchema {
    let out = s;
    for (let i = 0; out.$ref !== undefined && i < 20; i++) {
      const name = out.$ref.replace('#/components/schemas/', '');
      const target = this.components[name];
      if (!target) throw new Error(`contract-fuzz: unknown $ref ${out.$ref}`);
      const { $ref: _ref, ...rest } = out;
      out = { ...target, ...rest };
    }
    return out;
  }

  /** Values valid per the schema (a hint for `name`, when there is one, is mixed in). */
  valid(schema: JsonSchema, name?: string): fc.Arbitrary<unknown> {
    const s = this.deref(schema);
    const base = this.validBase(s, name);
    const hint = name === undefined ? undefined : this.hints[name];
    return hint ? fc.oneof({ weight: this.hintWeight, arbitrary: hint }, { weight: 1, arbitrary: base }) : base;
  }

  private validBase(s: JsonSchema, name?: string): fc.Arbitrary<unknown> {
    if ('const' in s) return fc.constant(s.const);
    if (s.enum) return fc.constantFrom(...s.enum);
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) return fc.oneof(...alternatives.map((a) => this.valid(a, name)));
    if (s.allOf) return this.valid(s.allOf[0] ?? {}, name);
    const types = typesOf(s);
    if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
    return fc.oneof(...types.map((t) => this.validOfType(s, t, name)));
  }

  private intBounds(s: JsonSchema): [number, number] {
    const min = s.exclusiveMinimum !== undefined ? Math.floor(s.exclusiveMinimum) + 1 : (s.minimum ?? Number.MIN_SAFE_INTEGER);
    const max = s.exclusiveMaximum !== undefined ? Math.ceil(s.exclusiveMaximum) - 1 : (s.maximum ?? Number.MAX_SAFE_INTEGER);
    return [Math.max(min, Number.MIN_SAFE_INTEGER), Math.min(max, Number.MAX_SAFE_INTEGER)];
  }

  private validOfType(s: JsonSchema, type: JsonType, name?: string): fc.Arbitrary<unknown> {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer': {
        const [min, max] = this.intBounds(s);
        return fc.oneof({ weight: 4, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.constantFrom(min, max) });
      }
      case 'number': {
        const [min, max] = this.intBounds(s);
        return fc.oneof(fc.integer({ min, max }), fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
      }
      case 'string':
        return this.validString(s);
      case 'array': {
        const items = this.valid(s.items ?? {}, name === undefined ? undefined : `${name}[]`);
        const min = s.minItems ?? 0;
        const max = s.maxItems ?? 8;
        const arbs: Array<fc.WeightedArbitrary<unknown[]>> = [
          { weight: 5, arbitrary: fc.array(items, { minLength: min, maxLength: Math.max(min, Math.min(max, 5)) }) },
        ];
        if (max <= 100) arbs.push({ weight: 1, arbitrary: fc.array(items, { minLength: max, maxLength: max }) });
        return fc.oneof(...arbs);
      }
      case 'object': {
        const props = s.properties ?? {};
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(props)) model[k] = this.valid(v, k);
        const record = fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) }) as fc.Arbitrary<Record<string, unknown>>;
        const extra = s.additionalProperties;
        if (extra === undefined || extra === false) return record;
        // Open objects (`additionalProperties: true` or a schema) get a few more keys.
        const values = extra === true ? fc.jsonValue({ maxDepth: 1 }) : this.valid(extra);
        const keys = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).filter((k) => !(k in props));
        return fc.tuple(record, fc.dictionary(keys, values, { maxKeys: 3 })).map(([r, more]) => ({ ...more, ...r }));
      }
    }
  }

  private validString(s: JsonSchema): fc.Arbitrary<string> {
    const min = s.minLength ?? 0;
    const max = s.maxLength ?? 1000;
    const fits = (v: string) => v.length >= min && v.length <= max;
    if (s.format === 'date-time') return dateTime();
    if (s.format === 'uri') {
      return fc
        .tuple(fc.constantFrom('https', 'http'), fc.webSegment(), fc.webSegment())
        .map(([scheme, a, b]) => `${scheme}://cdn.example.com/${a}/${b}.jpg`)
        .filter(fits);
    }
    if (s.pattern !== undefined) {
      const full = new RegExp(s.pattern, 'u');
      const examples = (s.examples ?? []).filter((e): e is string => typeof e === 'string' && full.test(e) && fits(e));
      const generated = fc.stringMatching(new RegExp(withoutLookarounds(s.pattern))).filter((v) => full.test(v) && fits(v));
      return examples.length > 0 ? fc.oneof({ weight: 4, arbitrary: generated }, { weight: 1, arbitrary: fc.constantFrom(...examples) }) : generated;
    }
    const small = Math.min(max, 40);
    const everyday = fc.oneof(
      { weight: 8, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: small }) },
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(small, 16) }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(small, 8) }) },
      { weight: 3, arbitrary: fc.array(fc.constantFrom(...NASTY_STRINGS), { minLength: 1, maxLength: 3 }).map((a) => a.join('')) },
    );
    // Exactly the limit (in UTF-16 units, which is what the server counts; in two-byte UTF-8 too).
    // Rare for the big limits (a 500 000-character body), so the database and its checksum stay small.
    const boundary = max >= 2 ? fc.constantFrom('x'.repeat(max), 'é'.repeat(max)) : fc.constant('x'.repeat(max));
    return fc.oneof({ weight: max > 5000 ? 60 : 8, arbitrary: everyday }, { weight: 1, arbitrary: boundary }).filter(fits);
  }

  /** Values that (mostly) violate the schema, at the top or somewhere inside. */
  invalid(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    const s = this.deref(schema);
    const types = new Set<JsonType>();
    const collect = (x: JsonSchema) => {
      const d = this.deref(x);
      for (const t of typesOf(d)) types.add(t);
      for (const a of d.anyOf ?? d.oneOf ?? []) collect(a);
      if (d.enum) for (const e of d.enum) types.add(e === null ? 'null' : (typeof e as JsonType));
    };
    collect(s);
    const wrong: unknown[] = [];
    if (!types.has('string')) wrong.push('a string', '', '1');
    if (!types.has('integer') && !types.has('number')) wrong.push(0, -1, 1.5, 1e308);
    if (!types.has('boolean')) wrong.push(true, false);
    if (!types.has('null')) wrong.push(null);
    if (!types.has('object')) wrong.push({}, { a: 1 });
    if (!types.has('array')) wrong.push([], [1, 'two', null]);
    if (types.has('integer') && !types.has('number')) wrong.push(1.5, 2 ** 53, -(2 ** 53));
    const options: Array<fc.WeightedArbitrary<unknown>> = [];
    if (wrong.length > 0) options.push({ weight: 2, arbitrary: fc.constantFrom(...wrong) });
    if (s.enum || 'const' in s) {
      options.push({ weight: 2, arbitrary: fc.constantFrom('not-in-the-enum', 'ADMIN', ' admin', 'article.*.*', '*', '') });
    }
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives && depth < 4) {
      // Break one branch from the inside (e.g. a FeaturedImage with a bad url).
      const structured = alternatives.filter((a) => {
        const d = this.deref(a);
        return typesOf(d).some((t) => t === 'object' || t === 'array' || t === 'string' || t === 'integer');
      });
      if (structured.length > 0) options.push({ weight: 3, arbitrary: fc.oneof(...structured.map((a) => this.invalid(a, depth + 1))) });
    }
    if (types.has('string') && !alternatives) options.push({ weight: 4, arbitrary: this.invalidString(s) });
    if (types.has('integer') || types.has('number')) {
      const [min, max] = this.intBounds(s);
      const out: number[] = [];
      if (min > Number.MIN_SAFE_INTEGER) out.push(min - 1, min - 1000);
      if (max < Number.MAX_SAFE_INTEGER) out.push(max + 1, max * 10 + 7);
      out.push(Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2, 1e300);
      if (!alternatives) options.push({ weight: 3, arbitrary: fc.constantFrom(...out) });
    }
    if (types.has('array') && s.items !== undefined) {
      const items = s.items;
      const max = s.maxItems;
      const min = s.minItems ?? 0;
      const arrays: Array<fc.Arbitrary<unknown>> = [
        fc.constant(Array.from({ length: 5000 }, (_, i) => i + 1)),
        fc.constant(Array.from({ length: 3000 }, () => 'x')),
        fc.array(this.invalid(items, depth + 1), { minLength: 1, maxLength: 3 }),
        fc.constant(nest(200, 1, false)),
      ];
      if (max !== undefined) arrays.push(fc.array(this.valid(items), { minLength: max + 1, maxLength: max + 2 }));
      if (min > 0) arrays.push(fc.constant([]));
      // Duplicates: the same valid item twice.
      arrays.push(this.valid(items).map((v) => [v, v]));
      options.push({ weight: 3, arbitrary: fc.oneof(...arrays) });
    }
    if (types.has('object') && s.properties !== undefined && depth < 4) {
      const props = s.properties;
      const keys = Object.keys(props);
      const required = s.required ?? [];
      const validObject = this.valid({ ...s, anyOf: undefined, oneOf: undefined, type: 'object' }) as fc.Arbitrary<Record<string, unknown>>;
      const objects: Array<fc.Arbitrary<unknown>> = [];
      if (required.length > 0) {
        objects.push(
          fc.tuple(validObject, fc.constantFrom(...required)).map(([o, k]) => {
            const copy = { ...o };
            delete copy[k];
            return copy;
          }),
        );
      }
      objects.push(
        fc
          .tuple(validObject, fc.constantFrom('unknownField', 'id', 'status', 'createdAt', 'Headline', '', ' name', 'name '), fc.jsonValue({ maxDepth: 1 }))
          .map(([o, k, v]) => ({ ...o, [k]: v })),
        // Own `__proto__` / `constructor` keys, as JSON.parse would make them.
        validObject.map((o) => ({ ...o, ...(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}') as object) })),
        fc.constant(nest(200, {}, true)),
      );
      if (keys.length > 0) {
        objects.push(
          fc
            .tuple(validObject, fc.constantFrom(...keys))
            .chain(([o, k]) => this.invalid(props[k] ?? {}, depth + 1).map((bad) => ({ ...o, [k]: bad }))),
        );
        objects.push(
          fc.tuple(validObject, fc.constantFrom(...keys)).map(([o, k]) => ({ ...o, [k]: nest(200, 'deep', false) })),
        );
      }
      options.push({ weight: 5, arbitrary: fc.oneof(...objects) });
    }
    if (options.length === 0) return fc.constantFrom<unknown>('x'.repeat(100_000), nest(200, null, false));
    return fc.oneof(...options);
  }

  private invalidString(s: JsonSchema): fc.Arbitrary<unknown> {
    const min = s.minLength ?? 0;
    const max = s.maxLength;
    const bad: Array<fc.Arbitrary<unknown>> = [
      fc.constant('x'.repeat(100_000)),
      fc.constantFrom(...NASTY_STRINGS),
    ];
    if (max !== undefined) bad.push(fc.constant('y'.repeat(max + 1)), fc.constant('😀'.repeat(Math.ceil((max + 1) / 2))));
    if (min > 0) bad.push(fc.constant(''), fc.constant(' '.repeat(min)));
    if (s.pattern !== undefined) {
      const re = new RegExp(s.pattern, 'u');
      bad.push(fc.constantFrom(...NASTY_STRINGS, 'Not A Slug!', '123', 'UPPER', 'a--b', '-a', 'a-', 'a_b', 'é').filter((v) => !re.test(v)));
    }
    if (s.format === 'date-time') bad.push(fc.constantFrom(...BAD_DATE_TIMES));
    if (s.format === 'uri') {
      bad.push(fc.constantFrom('not a uri', 'http://', 'https://exa mple.com', ':', 'mailto:', 'javascript:alert(1)', '//cdn.example.com/x.jpg', 'http://[::1', 'ftp://x/y'));
    }
    if (s.format === 'email') bad.push(fc.constantFrom('a@', '@b.com', 'a@b', 'a b@c.de', 'a@@b.com', '.a@b.com', 'a..b@c.de', 'ü@ü.de'));
    return fc.oneof(...bad);
  }
}
