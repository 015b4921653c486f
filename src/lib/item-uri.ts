/**
 * A stable, globally unique name for an article that survives slug changes and site
 * redesigns: a `tag:` URI (RFC 4151) minted from the site's host and the day the article
 * was created. Feeds use it as GUID/id and ninjs as `uri`.
 */
export const articleUri = (authority: string, id: number, createdAt: string) =>
  `tag:${authority},${createdAt.slice(0, 10)}:article:${id}`;

/** The host that mints item URIs: the site's when set, else the API's public address. */
export const uriAuthority = (siteUrl: string | null, publicBaseUrl: string) => new URL(siteUrl ?? publicBaseUrl).hostname;
