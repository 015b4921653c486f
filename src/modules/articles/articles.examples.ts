// Realistic wire copy for the contract's examples: curly quotes, an en dash, an em dash.
const body = [
  'Washington: The Supreme Court on Friday curtailed the power of federal agencies to interpret the laws they administer, overturning a 40-year-old precedent in a 6–3 ruling.',
  '',
  '“The judiciary’s role is to say what the law is,” Chief Justice John Roberts wrote for the majority — a line that drew a sharp dissent.',
  '',
  'Legal scholars said the decision would invite a wave of challenges to existing rules.',
].join('\n');

export const createArticleExample = {
  headline: 'Supreme Court curbs the reach of federal regulators',
  standfirst: 'A 6–3 ruling overturns the Chevron doctrine, shifting power from agencies to the courts.',
  dateline: 'Washington',
  body,
  bureau: 'washington-bureau',
  authors: ['jane-q-reporter', 'luis-ortega'],
  tags: ['supreme-court'],
  language: 'en',
  featuredImage: {
    url: 'https://cdn.example.com/images/supreme-court-steps.jpg',
    alt: 'The steps of the Supreme Court building in Washington',
    caption: 'Demonstrators outside the court on Friday.',
    credit: 'Photo: A. Lens / Dateline',
  },
};

export const articleExample = {
  id: 42,
  slug: 'supreme-court-curbs-the-reach-of-federal-regulators',
  headline: createArticleExample.headline,
  standfirst: createArticleExample.standfirst,
  dateline: 'Washington',
  language: 'en',
  status: 'published' as const,
  publishedAt: '2026-06-28T14:05:00.000Z',
  wordCount: 64,
  readingTimeMinutes: 1,
  version: 4,
  createdAt: '2026-06-28T12:40:10.000Z',
  updatedAt: '2026-06-28T14:05:00.000Z',
  featuredImage: createArticleExample.featuredImage,
  bureau: { id: 1, slug: 'washington-bureau', name: 'Washington Bureau' },
  authors: [
    { id: 7, slug: 'jane-q-reporter', name: 'Jane Q. Reporter' },
    { id: 9, slug: 'luis-ortega', name: 'Luis Ortega' },
  ],
  tags: [{ id: 4, slug: 'supreme-court', name: 'Supreme Court' }],
  body,
  bodyHtml:
    '<p>Washington: The Supreme Court on Friday curtailed the power of federal agencies to interpret the laws they administer, overturning a 40-year-old precedent in a 6–3 ruling.</p>\n<p>“The judiciary’s role is to say what the law is,” Chief Justice John Roberts wrote for the majority — a line that drew a sharp dissent.</p>\n<p>Legal scholars said the decision would invite a wave of challenges to existing rules.</p>\n',
};
