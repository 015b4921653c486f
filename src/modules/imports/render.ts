import { rendered, type Rendered } from '../articles/articles.rules.js';

/**
 * Renders imported bodies (Markdown → sanitised HTML, text, word count): the one call to swap
 * for the shared render worker pool when it lands, so bulk imports render off the event loop.
 * Until then each body is rendered here, between the import's write slices.
 */
export type RenderBodies = (bodies: string[]) => Promise<Rendered[]>;

export const renderInline: RenderBodies = async (bodies) => bodies.map((b) => rendered(b));
