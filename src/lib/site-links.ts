// Where the frontend shows each item. A headless CMS does not own its pages' addresses, so
// the site says how to build them: SITE_URL plus a path template per kind of item.

export type LinkKind = 'article' | 'bureau' | 'author' | 'tag';

/** What a template may use. Dates come from the publish time, in UTC. */
export const placeholders: Record<LinkKind, readonly string[]> = {
  article: ['id', 'slug', 'bureau', 'yyyy', 'mm', 'dd'],
  bureau: ['id', 'slug'],
  author: ['id', 'slug'],
  tag: ['id', 'slug'],
};

export type ArticleLinkInput = { id: number; slug: string; bureauSlug: string; publishedAt: string | null };
export type ItemLinkInput = { id: number; slug: string };

export type SitePaths = Record<LinkKind, string>;

/** Problems with one template, as messages; empty when it is usable. */
export function checkTemplate(kind: LinkKind, template: string): string[] {
  const problems: string[] = [];
  if (!template.startsWith('/')) problems.push('must start with /');
  const used = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  const unknown = used.filter((p) => !placeholders[kind].includes(p));
  if (unknown.length > 0) {
    problems.push(`unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')}; use ${placeholders[kind].map((p) => `{${p}}`).join(', ')}`);
  }
  // Two items must never share an address.
  if (!used.includes('slug') && !used.includes('id')) problems.push('must contain {slug} or {id}');
  if (/[{}]/.test(template.replace(/\{[^{}]*\}/g, ''))) problems.push('has an unbalanced { or }');
  if (/[?#\s]/.test(template)) problems.push('must be a path only (no ?, # or spaces)');
  return problems;
}

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{([^{}]*)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));

export type SiteLinks = ReturnType<typeof createSiteLinks>;

/** Builds absolute addresses on the site; `null` everywhere when no SITE_URL is set. */
export function createSiteLinks(siteUrl: string | null, paths: SitePaths) {
  const base = siteUrl?.replace(/\/+$/, '') ?? null;
  return {
    enabled: base !== null,
    base,
    article(a: ArticleLinkInput): string | null {
      if (base === null) return null;
      const d = new Date(a.publishedAt ?? 0).toISOString();
      return base + fill(paths.article, { id: String(a.id), slug: a.slug, bureau: a.bureauSlug, yyyy: d.slice(0, 4), mm: d.slice(5, 7), dd: d.slice(8, 10) });
    },
    item(kind: Exclude<LinkKind, 'article'>, x: ItemLinkInput): string | null {
      return base === null ? null : base + fill(paths[kind], { id: String(x.id), slug: x.slug });
    },
    /** An address on the site itself (the home page is `/`). */
    page(path: string): string | null {
      return base === null ? null : base + path;
    },
  };
}
