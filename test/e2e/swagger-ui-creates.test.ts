import t from 'tap';
import { freePort } from '../../scripts/lib/server.js';
import { seedDemoData } from '../../src/db/demo.js';
import { launchFor } from '../helpers/browser.js';
import { buildTestApp } from '../helpers/app.js';

// What a new user does first in Swagger UI: Authorize, then "Try it out" → Execute on every
// create, in the order of the demo newsroom, with the examples it pre-fills. Each must be a 201.
// A server build and a whole session (or a browser) outlast the default 180 s on a loaded machine.
t.setTimeout(360_000);

const creates: { op: string; tag: string; path?: Record<string, string> }[] = [
  { op: 'createBureau', tag: 'Bureaus' },
  { op: 'createAuthor', tag: 'Authors' },
  { op: 'createTag', tag: 'Tags' },
  { op: 'createArticle', tag: 'Articles' },
  { op: 'createArticlePreview', tag: 'Articles', path: { idOrSlug: 'supreme-court-curbs-the-reach-of-federal-regulators' } },
  { op: 'createToken', tag: 'Tokens' },
  { op: 'createWebhook', tag: 'Webhooks' },
];

t.test('Swagger UI: every create, tried out in newsroom order, answers 201', { timeout: 330_000 }, async (t) => {
  // The contract's `servers` is where Swagger UI sends requests: this server, as PUBLIC_BASE_URL says.
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const ctx = await buildTestApp(t, { publicBaseUrl: origin });
  await seedDemoData(ctx.app.db);
  await ctx.app.listen({ port, host: '127.0.0.1' });
  const { browser, context, offsite } = await launchFor(origin);
  t.teardown(() => browser.close());
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));

  await page.goto(`${origin}/docs`, { waitUntil: 'load' });
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'Dateline Content API' }).waitFor();
  t.match(await page.locator('.topbar').innerText(), '/openapi.json', 'the top bar names /openapi.json, as the README does');
  const padlock = page.locator('#operations-Articles-listArticles .authorization__btn');
  t.equal(await padlock.getAttribute('aria-label'), 'authorization button unlocked', 'an optional-auth read shows an open padlock');

  await page.locator('.scheme-container button.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  const bearer = dialog.locator('.auth-container').filter({ hasText: 'bearerAuth' });
  await bearer.locator('input#auth-bearer-value, input[aria-label="auth-bearer-value"]').first().fill(ctx.token);
  await bearer.locator('.auth-btn-wrapper button.authorize').filter({ hasText: 'Authorize' }).click();
  await bearer.locator('.auth-btn-wrapper button').filter({ hasText: 'Logout' }).waitFor();
  await bearer.locator('.auth-btn-wrapper button.btn-done').filter({ hasText: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });

  for (const { op: id, tag, path } of creates) {
    const op = page.locator(`#operations-${tag}-${id}`);
    await op.locator('.opblock-summary-control').first().click();
    await op.locator('button.try-out__btn').click();
    for (const [name, value] of Object.entries(path ?? {})) {
      await op.locator(`.parameters tr[data-param-name="${name}"] input[type="text"]`).fill(value);
    }
    const answered = page.waitForResponse((res) => res.request().method() === 'POST' && new URL(res.url()).origin === origin);
    await op.locator('button.execute').click();
    const res = await answered;
    const status = op.locator('.live-responses-table tbody .response .response-col_status').first();
    await status.waitFor();
    t.equal((await status.innerText()).trim(), '201', `${id}: the live response shows 201 (${res.status()}: ${(await res.text()).slice(0, 200)})`);
    await op.locator('.opblock-summary-control').first().click();
  }
  t.same(pageErrors, [], 'no uncaught page errors');
  t.same(offsite, [], 'the page asked for nothing beyond the test server');
});
