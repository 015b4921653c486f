// Symbolic request values ("the 2nd draft article, by slug", "the current version of the
// target"), resolved against the live database just before a request is sent.



export type FixtureKind =
  | 'bureau'
  | 'author'
  | 'tag'
  | 'article'
  | 'article:draft'
  | 'article:published'
  | 'article:scheduled'
  | 'article:archived'
  | 'oldSlug:article'
  | 'oldSlug:author'
  | 'oldSlug:bureau'
  | 'token'
  | 'webhook'
  | 'delivery'
  | 'webhookOfDelivery';

/** "The pick-th existing item of this kind" (modulo how many there are), by id or slug. */
export class Ref {
  constructor(
    readonly kind: FixtureKind,
    readonly pick: number,
    readonly form: 'id' | 'slug',
  ) {}
  toString() {
    return `Ref(${this.kind}#${this.pick}.${this.form})`;
  }
}

/** The version of the item the request targets: current, one behind, or one ahead. */
export class TargetVersion {
  constructor(
    readonly which: 'current' | 'stale' | 'next',
    readonly style: 'strong' | 'weak' | 'number' = 'strong',
  ) {}
  toString() {
    return `TargetVersion(${this.which},${this.style})`;
  }
}

/** A revision number the target article really has. */
export class RevisionOf {
  constructor(readonly pick: number) {}
  toString() {
    return `RevisionOf(#${this.pick})`;
  }
}

/** A preview token for the target article: valid, expired, or valid for another article. */
export class PreviewOf {
  constructor(readonly state: 'valid' | 'expired' | 'other') {}
  toString() {
    return `PreviewOf(${this.state})`;
  }
}

/** A real `meta.nextCursor` of the same list (same sort when the request names one). */
export class RealCursor {
  readonly cursor = 'next';
  toString() {
    return 'RealCursor()';
  }
}

export type Sym = Ref | TargetVersion | RevisionOf | PreviewOf | RealCursor;
export const isSym = (v: unknown): v is Sym =>
  v instanceof Ref || v instanceof TargetVersion || v instanceof RevisionOf || v instanceof PreviewOf || v instanceof RealCursor;

export type AuthChoice = 'admin' | 'editor' | 'writer' | 'viewer' | 'revoked' | 'expired' | 'none' | { raw: string };

export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; text: string }
  | { kind: 'bytes'; bytes: number[] };

/** One generated request, before resolution. */
export type RequestPlan = {
  path: Record<string, string | Sym>;
  /** Query pairs; string values are encoded at resolution (WTF-8, so lone surrogates survive). */
  query: Array<[string, string | Sym]>;
  /** Appended to the query string verbatim: broken percent-encoding and the like. */
  rawQuery: string;
  auth: AuthChoice;
  ifMatch: string | TargetVersion | null;
  idempotencyKey: string | null;
  contentType: string | null;
  body: BodyPlan;
  headers: Record<string, string>;
  /** Whether the body was generated valid per its schema (for contract-drift notes). */
  bodyValid: boolean;
  /** Which parts were swapped for wild ones (none: a request valid throughout). */
  corrupted: string[];
  /** Send the same request twice (an idempotent replay, a second create, a second delete); both answers are checked. */
  repeat: boolean;
};
