import type { Database } from './database.js';
import { createArticlesService } from '../modules/articles/articles.service.js';
import { createAuthorsService } from '../modules/authors/authors.service.js';
import { createBureausService } from '../modules/bureaus/bureaus.service.js';
import { createTagsService } from '../modules/tags/tags.service.js';
import { countWhere } from '../modules/shared/lookup.js';
import { SYSTEM } from '../modules/shared/actor.js';

/**
 * A small newsroom so that /docs shows real data on a first start. It goes through the
 * services, so demo content obeys the same rules as anything an editor creates.
 */
export function seedDemoData(db: Database): Promise<boolean> {
  // One unit of work, held before counting: two processes starting on an empty database seed it once.
  return db.write(async () => {
    await db.serialise('demo-seed');
    if ((await countWhere(db, db.tables.articles)) > 0) return false;
    const bureaus = createBureausService(db);
    const authors = createAuthorsService(db);
    const tags = createTagsService(db);
    const stories = createArticlesService(db, { revisionsKeep: 50 });

    await bureaus.create({ name: 'Lisbon Bureau', location: 'Lisbon, Portugal', description: 'Iberia, Brazil and Lusophone Africa.' }, SYSTEM);
    await authors.create({ name: 'Jane Q. Reporter', bio: 'Covers markets and the European economy.', email: 'jane@example.com', bureau: 'lisbon-bureau' }, SYSTEM);
    await authors.create({ name: 'João Sebastião', bio: 'Politics and the courts in Portugal and Brazil.', email: 'joao@example.com', bureau: 'lisbon-bureau' }, SYSTEM);
    await tags.create({ name: 'Economy' }, SYSTEM);
    await tags.create({ name: 'Brazil' }, SYSTEM);

    const a = await stories.create({
      headline: 'Portugal’s tourism boom lifts growth to a 15-year high',
      standfirst: 'Visitor spending helped the economy grow 2.9% in 2025 — but housing costs are rising faster than wages.',
      dateline: 'Lisbon',
      body: [
        'Lisbon: Portugal’s economy grew at its fastest pace in 15 years, the national statistics office said on Tuesday, carried by a record 31 million visitors.',
        '',
        '“We are seeing the benefits, and the strains,” said the finance minister — pointing to rents that rose 11% in the capital.',
        '',
        'Economists expect growth of 2.1–2.4% next year.',
      ].join('\n'),
      bureau: 'lisbon-bureau',
      authors: ['jane-q-reporter', 'joao-sebastiao'],
      tags: ['economy'],
      language: 'en',
    }, SYSTEM);
    await stories.publish(String(a.id), '2026-11-20T09:00:00Z', SYSTEM, a.version);

    const b = await stories.create({
      headline: 'Brasília approves a new fiscal framework',
      standfirst: 'Congress passed the spending rule by a wide margin after a late-night session.',
      dateline: 'Brasília',
      body: 'Brasília: Brazil’s Congress approved the government’s new fiscal framework late on Wednesday, replacing a spending cap that had been in place since 2016.\n\n> ‘It is a rule we can keep,’ the finance minister said.',
      bureau: 'lisbon-bureau',
      authors: ['joao-sebastiao'],
      tags: ['brazil', 'economy'],
      language: 'en',
    }, SYSTEM);
    await stories.publish(String(b.id), '2026-11-21T18:30:00Z', SYSTEM, b.version);

    await stories.create({
      headline: 'Draft: Lisbon metro extension faces new delay',
      standfirst: 'Still being reported.',
      dateline: 'Lisbon',
      body: 'Lisbon: The red line extension will open in `2027` at the earliest, officials said.',
      bureau: 'lisbon-bureau',
      authors: ['jane-q-reporter'],
      tags: [],
      language: 'en',
    }, SYSTEM);
    return true;
  });
}
