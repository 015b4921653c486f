import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { rendered, type Rendered } from '../articles/articles.rules.js';

/**
 * Renders imported bodies (Markdown → sanitised HTML, text, word count): the one call to swap
 * for the shared render worker pool when it lands, so bulk imports render off the event loop.
 */
export type RenderBodies = (bodies: string[]) => Promise<Rendered[]>;

/** Until then: rendered here, handing the event loop back every `sliceMs` so editors' requests run. */
export const renderInSlices =
  (sliceMs: number): RenderBodies =>
  async (bodies) => {
    const out: Rendered[] = [];
    let deadline = performance.now() + sliceMs;
    for (const body of bodies) {
      out.push(rendered(body));
      if (performance.now() >= deadline) {
        await yieldToOthers();
        deadline = performance.now() + sliceMs;
      }
    }
    return out;
  };
