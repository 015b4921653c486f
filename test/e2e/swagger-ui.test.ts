import { freePort } from '../../scripts/lib/server.js';
import type { Request } from 'playwright-core';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { launchFor, STEP } from '../helpers/browser.js';
import { makeArticle, publish } from '../helpers/factories.js';

// A real browser drives the real Swagger UI against the real server: the page must load under
// the app's Content-Security-Policy, Authorize must attach the bearer token, and "Try it out"
// must reach the API and show its answer.

const SCREENSHOT = '/tmp/swagger-ui.png';

t.test('Swagger UI: authorize, try listArticles, see the live response', { timeout: 300_000 }, async (t) => {
  // Swagger UI sends requests to the contract's `servers`: this server, as PUBLIC_BASE_URL says.
  const port = await freePort();
  const ctx = await buildTestApp(t, { publicBaseUrl: `http://127.0.0.1:${port}` });
  const published = await makeArticle(ctx, { headline: 'Swagger UI sees the harbour reopen' });
  await publish(ctx, published.id);
  // Drafts are only listed for a token holder, so seeing this one proves Authorize took effect.
  const draft = await makeArticle(ctx, { headline: 'Swagger UI draft only editors see' });
  t.equal(draft.status, 'draft', 'the second article stays a draft');

  await ctx.app.listen({ port, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${port}`;

  const { browser, context, offsite } = await launchFor(origin);
  // Registered after the app's teardown, so it runs first: the browser goes before the server.
  t.teardown(() => browser.close());

  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  // Report CSP violations from the page itself too, whatever the console says about them.
  await page.addInitScript(() => {
    const w = globalThis as unknown as {
      __cspViolations: string[];
      addEventListener: (type: string, fn: (e: { violatedDirective: string; blockedURI: string }) => void) => void;
    };
    w.__cspViolations = [];
    w.addEventListener('securitypolicyviolation', (e) => {
      w.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });

  const apiRequests: Request[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname === '/v1/articles' && req.method() === 'GET') apiRequests.push(req);
  });

  // Whatever step fails, the browser's own complaints (a CSP block first of all) are reported too.
  try {
    const docs = await page.goto(`${origin}/docs`, { waitUntil: 'load' });
    t.ok(docs, 'navigated to /docs');
    t.ok(docs && docs.status() < 400, `/docs answers ${docs?.status()}`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Dateline Content API' }).waitFor();

    // Authorize with the bearer token.
    await page.locator('.scheme-container button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    const bearer = dialog.locator('.auth-container').filter({ hasText: 'bearerAuth' });
    await bearer.locator('input#auth-bearer-value, input[aria-label="auth-bearer-value"]').first().fill(ctx.token);
    await bearer.locator('.auth-btn-wrapper button.authorize').filter({ hasText: 'Authorize' }).click();
    // Once applied, the value is masked and the button turns into Logout.
    await bearer.locator('.auth-btn-wrapper button').filter({ hasText: 'Logout' }).waitFor();
    await bearer.locator('code').filter({ hasText: '******' }).waitFor();
    await bearer.locator('.auth-btn-wrapper button.btn-done').filter({ hasText: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.scheme-container button.authorize.locked').waitFor();

    // Expand GET /v1/articles, try it out, execute.
    const op = page.locator('#operations-Articles-listArticles');
    await op.waitFor();
    await op.locator('.opblock-summary-control').first().click();
    await op.locator('button.try-out__btn').click();
    // Try it out pre-fills each parameter's schema example (bureau=washington-bureau, language=en),
    // which would filter our articles away; an editor who wants "everything" empties those boxes.
    const rows = op.locator('.parameters tr[data-param-in="query"]');
    await rows.first().waitFor();
    const cleared: string[] = [];
    for (const row of await rows.all()) {
      const input = row.locator('input[type="text"]:not([disabled])');
      if ((await input.count()) !== 1) continue;
      const value = await input.inputValue();
      if (value === '') continue;
      cleared.push(`${await row.getAttribute('data-param-name')}=${value}`);
      await input.fill('');
    }
    t.comment(`emptied pre-filled query parameters: ${cleared.join(', ') || 'none'}`);
    const executed = page.waitForRequest(
      (req) => new URL(req.url()).pathname === '/v1/articles' && req.method() === 'GET',
      { timeout: STEP },
    );
    await op.locator('button.execute').click();
    const sent = await executed;
    const sentResponse = await sent.response();
    t.equal(sentResponse?.status(), 200, 'the server answered the request Swagger UI sent with 200');
    const sentQuery = new URL(sent.url()).searchParams;
    const leftovers = cleared.map((c) => c.slice(0, c.indexOf('='))).filter((name) => sentQuery.has(name));
    t.same(leftovers, [], `no emptied parameter was sent: ${sent.url()}`);

    const live = op.locator('.live-responses-table');
    await live.waitFor();
    const status = live.locator('tbody .response .response-col_status').first();
    await status.waitFor();
    t.equal((await status.innerText()).trim(), '200', 'the live response section shows 200');

    const body = live.locator('.response-col_description .microlight, .response-col_description pre').first();
    await body.waitFor();
    const bodyText = await body.innerText();
    t.match(bodyText, published.headline, 'the live response body carries the published headline');
    t.match(bodyText, draft.headline, 'with the token, the live response also lists the draft');

    // The token really travelled: in the request itself and in the curl snippet.
    t.equal(apiRequests.length, 1, 'exactly one GET /v1/articles left the page');
    const headers = await sent.allHeaders();
    t.equal(headers.authorization, `Bearer ${ctx.token}`, 'the request carried Authorization: Bearer <token>');
    const curl = await op.locator('.curl-command .curl, .curl-command pre').first().innerText();
    t.match(curl, /Authorization: Bearer dl_/, 'the curl snippet shows the Authorization header');
    t.match(curl, `${origin}/v1/articles`, 'the curl snippet targets the test server');

    // The picture a person would check: the locked Authorize button down to the live response.
    // Boxes are measured in the viewport and the clip is in page coordinates: start from the top.
    await page.evaluate(() => (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0));
    const top = await page.locator('.scheme-container').boundingBox();
    const end = await live.boundingBox();
    t.ok(top && end, 'the authorize bar and the live response are on screen');
    await page.screenshot({
      path: SCREENSHOT,
      fullPage: true,
      timeout: STEP,
      ...(top && end ? { clip: { x: 0, y: top.y, width: 1280, height: end.y + end.height - top.y + 20 } } : {}),
    });
  } finally {
    const violations = await page
      .evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations)
      .catch((err: unknown) => [`could not read the page's violations: ${String(err)}`]);
    const cspConsole = consoleErrors.filter((m) => /Content[- ]Security[- ]Policy/i.test(m));
    t.same(violations, [], 'no securitypolicyviolation event fired');
    t.same(cspConsole, [], 'the console reported no Content-Security-Policy violation');
    t.same(pageErrors, [], 'no uncaught page errors');
    t.same(consoleErrors, [], 'no console errors');
    t.same(offsite, [], 'the page asked for nothing beyond the test server');
  }
});
