// End-to-end tests of the web client: Debian's Chromium, driven by playwright-core, against a
// real `agora serve` on a loopback port with the demo company (`agora demo`).
//
//   node tests/e2e.mjs AGORA_BINARY [SCREENSHOT_DIR]
//
// AGORA_BINARY may also come from the environment; CHROMIUM (default /usr/bin/chromium) names
// the browser. The web client must be built (npm run build) first: the server serves web/dist.
// Assertions are about behaviour only (no timing); waits end on what the page shows.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '..');
const binary = process.argv[2] || process.env.AGORA_BINARY;
const shotDir = path.resolve(process.argv[3] || process.env.SCREENSHOT_DIR || path.join(webDir, 'test-output'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'agora-demo-2026';
const WAIT = 15000; // the longest any expectation waits for the page

if (!binary) {
  console.error('usage: node tests/e2e.mjs AGORA_BINARY [SCREENSHOT_DIR]');
  process.exit(2);
}
if (!fs.existsSync(path.join(webDir, 'dist', 'index.html'))) {
  console.error('web/dist is missing: run `npm run build` in web/ first');
  process.exit(2);
}

let dataDir;
let server;
let base;
let browser;
const consoleProblems = [];

// `agora serve` on `listen` with the built client; resolves to its base URL once it listens.
async function serve(dataDir, listen, extraArgs = []) {
  const child = spawn(
    binary,
    ['serve', '--data', dataDir, '--listen', listen, '--web-root', path.join(webDir, 'dist'), '--password-cost', 'minimum', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr.on('data', () => {});
  const lines = readline.createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`agora serve exited with ${code}`)));
    lines.on('line', (line) => {
      const m = /^listening on (\S+)$/.exec(line);
      if (m) resolve(`http://${m[1]}`);
    });
  });
  return { child, url };
}

async function startServer() {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-e2e-'));
  const demo = spawnSync(binary, ['demo', '--data', dataDir], { encoding: 'utf8' });
  assert.equal(demo.status, 0, `agora demo failed: ${demo.stderr}`);
  // A public URL no browser reaches: the client must page streams on its own origin, not on
  // the absolute ActivityStreams links the server names.
  ({ child: server, url: base } = await serve(dataDir, '127.0.0.1:0', ['--public-url', 'http://agora.invalid']));
}

// A person added with the CLI to a store of a server of a test's own.
function addUser(data, username, displayName, email) {
  const add = spawnSync(binary, ['user', 'add', '--data', data, '--username', username, '--display-name', displayName,
    '--email', email, '--password-cost', 'minimum'], { input: `${PASSWORD}\n`, encoding: 'utf8' });
  assert.equal(add.status, 0, add.stderr);
}

// The API, straight from Node: to find demo people and check what the UI claims.
async function apiCall(token, method, p, body, root = base) {
  const response = await fetch(root + p, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
async function tokenOf(username, root = base) {
  const r = await apiCall('', 'POST', '/api/v1/auth/login', { username, password: PASSWORD }, root);
  assert.equal(r.status, 200, `login ${username}: ${JSON.stringify(r.body)}`);
  return r.body.token;
}

async function newPage(options = {}) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      consoleProblems.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleProblems.push(`page error: ${error.message}`));
  return page;
}

async function signIn(page, username, lang = 'en', root = base) {
  await page.goto(`${root}/?lang=${lang}`);
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Home' }).waitFor({ timeout: WAIT });
}

async function shot(page, name) {
  fs.mkdirSync(shotDir, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0)); // else the sticky header lands mid-page
  await page.screenshot({ path: path.join(shotDir, `${name}.png`), fullPage: true });
}

const axeSource = fs.readFileSync(path.join(webDir, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
async function expectAccessible(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${name}: axe found ${JSON.stringify(serious, null, 1)}`);
}

const notificationsLink = (page) => page.getByRole('navigation').getByRole('link', { name: /^Notifications/ });
async function badgeCount(page) {
  const name = (await notificationsLink(page).textContent()) || '';
  const m = /\((\d+)\)/.exec(name);
  return m ? Number(m[1]) : 0;
}

// The demo company, found through the API rather than hard-coded.
const people = {};
before(async () => {
  await startServer();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  people.ceo = { username: 'camille.martin', token: await tokenOf('camille.martin') };
  const me = await apiCall(people.ceo.token, 'GET', '/api/v1/me');
  people.ceo.id = me.body.id;
  // A follower of the CEO who is not an admin: they see her posts live.
  const followers = await apiCall(people.ceo.token, 'GET', `/api/v1/users/${people.ceo.id}/followers?limit=50`);
  const follower = followers.body.items.find((u) => u.username !== 'camille.martin');
  people.follower = { username: follower.username, id: follower.id };
  // Communities, and someone who is in none of the ones the flows use.
  const list = await apiCall(people.ceo.token, 'GET', '/api/v1/communities?limit=100');
  people.communities = Object.fromEntries(list.body.items.map((c) => [c.name, c]));
  const support = people.communities['Support Escalations'];
  const owners = await apiCall(people.ceo.token, 'GET', `/api/v1/communities/${support.id}/members?role=owner`);
  people.supportOwner = { username: owners.body.items[0].user.username };
  const sales = await apiCall(people.ceo.token, 'GET', '/api/v1/search/people?department=Sales&limit=50');
  const outsider = sales.body.results.map((r) => r.user).find((u) => u.manager_id && u.manager_id !== people.ceo.id && u.username !== follower.username);
  people.outsider = { username: outsider.username, id: outsider.id, token: await tokenOf(outsider.username) };
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('web client', { concurrency: false }, () => {
  let ceoPage;
  let followerPage;
  let livePostText;

  it('serves the client with its security headers', async () => {
    const r = await fetch(`${base}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
    const html = await r.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html);
    assert.ok(asset, 'index.html names a hashed script');
    const js = await fetch(base + asset[1]);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  it('signs in, reads the home stream, and the session survives a reload', async () => {
    ceoPage = await newPage();
    await ceoPage.goto(`${base}/?lang=en`);
    await shot(ceoPage, 'sign-in');
    await expectAccessible(ceoPage, 'sign-in');
    assert.equal(await ceoPage.evaluate(() => document.documentElement.lang), 'en');
    await signIn(ceoPage, people.ceo.username);
    await ceoPage.getByRole('article').first().waitFor({ timeout: WAIT });
    assert.ok((await ceoPage.getByRole('article').count()) > 0);
    await ceoPage.reload();
    await ceoPage.getByRole('article').first().waitFor({ timeout: WAIT });
    await ceoPage.getByRole('button', { name: 'Sign out' }).waitFor();
    await shot(ceoPage, 'home');
    await expectAccessible(ceoPage, 'home');
  });

  it("shows a new post live in a follower's stream, and the author's badge counts their reaction and reply", async () => {
    followerPage = await newPage();
    await signIn(followerPage, people.follower.username);
    await followerPage.getByRole('article').first().waitFor({ timeout: WAIT });
    const before = await badgeCount(ceoPage);

    livePostText = `Live from the e2e test ${Date.now()} #e2e`;
    await ceoPage.getByRole('textbox', { name: 'Write a post' }).fill(livePostText);
    await ceoPage.getByRole('button', { name: 'Post', exact: true }).click();

    // The follower never reloads: the post arrives over the WebSocket.
    const article = followerPage.getByRole('article').filter({ hasText: livePostText });
    await article.waitFor({ timeout: WAIT });
    await article.getByRole('link', { name: '#e2e' }).waitFor();

    await article.getByRole('button', { name: /^Like/ }).click();
    await article.getByRole('button', { name: /^Like/, pressed: true }).waitFor({ timeout: WAIT });
    await article.getByRole('button', { name: 'Reply' }).click();
    await article.getByRole('textbox', { name: 'Write a reply' }).fill(`Bravo @${people.ceo.username} !`);
    await article.getByRole('button', { name: 'Send reply' }).click();
    await article.getByRole('status').filter({ hasText: 'Posted.' }).waitFor({ timeout: WAIT });

    const postId = await article.getAttribute('data-post-id');
    const post = await apiCall(people.ceo.token, 'GET', `/api/v1/posts/${postId}`);
    assert.equal(post.body.reactions_count, 1);
    assert.equal(post.body.replies_count, 1);

    // The author's unread badge went up without a reload.
    await ceoPage.waitForFunction(
      (n) => {
        const link = [...document.querySelectorAll('nav a')].find((a) => a.textContent.includes('Notifications'));
        const m = link && /\((\d+)\)/.exec(link.textContent);
        return m && Number(m[1]) > n;
      },
      before,
      { timeout: WAIT },
    );
    assert.ok((await badgeCount(ceoPage)) > before);
    assert.match(await notificationsLink(ceoPage).evaluate((a) => a.textContent), /Notifications \(\d+\)/);
  });

  it('pages the home stream past its first page on its own origin', async () => {
    const page = await newPage();
    await signIn(page, people.ceo.username);
    const articles = page.getByRole('article');
    await articles.first().waitFor({ timeout: WAIT });
    // The end of the list coming into view loads the next page (as does the Load more button).
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForFunction(() => document.querySelectorAll('article').length > 20, null, { timeout: WAIT });
    assert.equal(await page.getByRole('alert').count(), 0);
    await page.context().close();
  });

  it('posts a deal story with its fields', async () => {
    await ceoPage.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
    await ceoPage.getByLabel('Kind').selectOption('deal_story');
    const deal = ceoPage.getByRole('group', { name: 'Deal' });
    await deal.getByLabel('Customer').fill('Clinique Beaulieu');
    await deal.getByLabel('Sector').fill('healthcare');
    await deal.getByLabel('Product').fill('Agora Secure');
    await deal.getByLabel('Region').fill('France');
    await deal.getByLabel('Amount').fill('125000.50');
    await deal.getByLabel('Currency').fill('EUR');
    await deal.getByLabel('Closed on').fill('2026-11-30');
    await deal.getByLabel('Outcome').selectOption('won');
    const story = `Won Clinique Beaulieu with a two-week pilot ${Date.now()}`;
    await ceoPage.getByRole('textbox', { name: 'Write a post' }).fill(story);
    await ceoPage.getByRole('button', { name: 'Post', exact: true }).click();
    const article = ceoPage.getByRole('article').filter({ hasText: story });
    await article.waitFor({ timeout: WAIT });
    await article.getByText('€125,000.50').waitFor();
    await article.getByText('Deal story').waitFor();
    const post = await apiCall(people.ceo.token, 'GET', `/api/v1/posts/${await article.getAttribute('data-post-id')}`);
    assert.equal(post.body.kind, 'deal_story');
    assert.equal(post.body.deal.customer, 'Clinique Beaulieu');
    assert.equal(post.body.deal.amount, 125000.5);
    assert.equal(post.body.deal.outcome, 'won');
  });

  it('lists notifications and reads them', async () => {
    await notificationsLink(ceoPage).click();
    await ceoPage.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await ceoPage.getByText(/replied to you|mentioned you|reacted to your post/).first().waitFor({ timeout: WAIT });
    await shot(ceoPage, 'notifications');
    await expectAccessible(ceoPage, 'notifications');
    await ceoPage.getByRole('button', { name: 'Mark all as read' }).click();
    await ceoPage.getByRole('navigation').getByRole('link', { name: 'Notifications', exact: true }).waitFor({ timeout: WAIT });
    const count = await apiCall(people.ceo.token, 'GET', '/api/v1/notifications/unread_count');
    assert.equal(count.body.count, 0);
  });

  it('shows a profile with the org chart, walks it up, and follows', async () => {
    await ceoPage.goto(`${base}/people/@${people.outsider.username}`);
    await ceoPage.getByRole('heading', { level: 1 }).waitFor();
    const chart = ceoPage.getByRole('figure', { name: 'Org chart' });
    await chart.waitFor();
    await shot(ceoPage, 'profile');
    await expectAccessible(ceoPage, 'profile');
    const outsider = await apiCall(people.ceo.token, 'GET', `/api/v1/users/${people.outsider.id}`);
    const manager = await apiCall(people.ceo.token, 'GET', `/api/v1/users/${outsider.body.manager_id}`);
    await chart.getByRole('link', { name: new RegExp(manager.body.display_name) }).click();
    await ceoPage.getByRole('heading', { level: 1, name: manager.body.display_name }).waitFor({ timeout: WAIT });
    const follow = ceoPage.getByRole('button', { name: /^(Follow|Unfollow)$/ });
    await follow.waitFor({ timeout: WAIT });
    const wasFollowing = (await follow.textContent()) === 'Unfollow';
    await follow.click();
    await ceoPage.getByRole('button', { name: wasFollowing ? 'Follow' : 'Unfollow' }).waitFor({ timeout: WAIT });
  });

  it('finds an expert with their evidence and filters deals by a facet', async () => {
    await ceoPage.getByRole('navigation').getByRole('link', { name: 'Search' }).click();
    await ceoPage.getByRole('searchbox', { name: 'Search' }).fill('sqlite');
    await ceoPage.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await ceoPage.getByRole('tab', { name: 'Experts' }).click();
    const why = ceoPage.getByRole('button', { name: /^Why / }).first();
    await why.waitFor({ timeout: WAIT });
    await why.click();
    assert.equal(await why.getAttribute('aria-expanded'), 'true');
    const evidence = ceoPage.locator(`#${await why.getAttribute('aria-controls')}`);
    await evidence.getByRole('heading', { name: 'Evidence' }).waitFor();
    assert.ok((await evidence.getByRole('listitem').count()) > 0, 'the evidence lists skills or posts');
    await shot(ceoPage, 'search-experts');
    await expectAccessible(ceoPage, 'search experts');

    await ceoPage.getByRole('searchbox', { name: 'Search' }).fill('');
    await ceoPage.getByRole('tab', { name: 'Deals' }).click();
    await ceoPage.getByRole('searchbox', { name: 'Search' }).press('Enter');
    const filters = ceoPage.getByRole('complementary', { name: 'Filters' });
    const facet = filters.getByRole('group', { name: 'Sector' }).getByRole('button').first();
    await facet.waitFor({ timeout: WAIT });
    const label = await facet.textContent();
    const expected = Number(/\((\d+)\)/.exec(label)[1]);
    await facet.click();
    await filters.getByRole('button', { pressed: true }).waitFor({ timeout: WAIT });
    await ceoPage.getByRole('status').filter({ hasText: `${expected} results` }).waitFor({ timeout: WAIT });
    assert.ok(new URL(ceoPage.url()).searchParams.get('sector'), 'the filter is in the address');
    await shot(ceoPage, 'search-deals');
    await expectAccessible(ceoPage, 'search deals');

    await ceoPage.getByRole('tab', { name: 'Posts' }).click();
    await ceoPage.getByRole('searchbox', { name: 'Search' }).fill('pilot');
    await ceoPage.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await ceoPage.locator('mark').first().waitFor({ timeout: WAIT });
    await ceoPage.getByRole('tab', { name: 'People' }).click();
    await ceoPage.getByRole('status').filter({ hasText: /results/ }).waitFor({ timeout: WAIT });
  });

  it('joins an open community, requests a private one, the moderator approves and resolves a report', async () => {
    const guild = people.communities['Engineering Guild'];
    const support = people.communities['Support Escalations'];
    // The private community has posts: what the outsider must not see is there.
    const ownerToken = await tokenOf(people.supportOwner.username);
    const feed = await apiCall(ownerToken, 'GET', `/api/v1/communities/${support.id}/feed`);
    const secretText = feed.body.orderedItems[0].object['agora:post'].text;
    assert.ok(secretText.length > 0);

    const page = await newPage();
    await signIn(page, people.outsider.username);
    await page.getByRole('navigation').getByRole('link', { name: 'Communities' }).click();
    await page.getByRole('button', { name: 'Join: Engineering Guild' }).click();
    await page.getByRole('button', { name: 'Leave Engineering Guild' }).waitFor({ timeout: WAIT });
    await page.getByRole('button', { name: 'Request to join: Support Escalations' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Support Escalations' }).getByText('Request sent').waitFor({ timeout: WAIT });
    await shot(page, 'communities');
    await expectAccessible(page, 'communities');
    const joined = await apiCall(people.outsider.token, 'GET', `/api/v1/communities/${guild.id}`);
    assert.equal(joined.body.membership.state, 'member');

    // Not a member yet: the private community's posts stay hidden.
    await page.getByRole('link', { name: 'Support Escalations' }).click();
    await page.getByText('This community is private').waitFor({ timeout: WAIT });
    assert.equal(await page.getByRole('article').count(), 0);
    assert.equal(await page.getByText(secretText).count(), 0);
    await page.goto(`${base}/search?q=${encodeURIComponent(secretText.split(' ').slice(0, 2).join(' '))}`);
    await page.getByRole('status').filter({ hasText: /results/ }).waitFor({ timeout: WAIT });
    assert.equal(await page.getByText(secretText).count(), 0);

    // The owner approves the request from the moderation tab.
    const mod = await newPage();
    await signIn(mod, people.supportOwner.username);
    await mod.goto(`${base}/communities/${support.id}`);
    await mod.getByRole('tab', { name: 'Moderation' }).click();
    const requests = mod.getByRole('region', { name: 'Join requests' });
    await requests.getByRole('button', { name: /^Approve/ }).first().waitFor({ timeout: WAIT });
    await shot(mod, 'community-moderation');
    await expectAccessible(mod, 'community moderation');
    const outsiderName = (await apiCall(people.outsider.token, 'GET', '/api/v1/me')).body.display_name;
    await requests.getByRole('button', { name: `Approve ${outsiderName}` }).click();
    await requests.getByText('Nothing to do.').waitFor({ timeout: WAIT });

    // Now a member: the posts show, and the new member reports one.
    await page.goto(`${base}/communities/${support.id}`);
    const article = page.getByRole('article').filter({ hasText: secretText });
    await article.waitFor({ timeout: WAIT });
    await shot(page, 'community');
    await expectAccessible(page, 'community');
    await article.getByRole('button', { name: 'Report' }).click();
    await article.getByRole('textbox', { name: 'Why are you reporting this post?' }).fill('Customer name should not be public');
    await article.getByRole('button', { name: 'Send report' }).click();
    await article.getByText('Reported to the moderators.').waitFor({ timeout: WAIT });

    await mod.reload();
    await mod.getByRole('tab', { name: 'Moderation' }).click();
    const queue = mod.getByRole('region', { name: 'Reports' });
    const report = queue.getByRole('listitem').filter({ hasText: 'Customer name should not be public' }).first();
    await report.waitFor({ timeout: WAIT });
    await report.getByLabel('Action').selectOption('dismiss');
    await report.getByRole('button', { name: 'Resolve' }).click();
    await queue.getByText('Resolved.').waitFor({ timeout: WAIT });
    const open = await apiCall(ownerToken, 'GET', `/api/v1/communities/${support.id}/reports?status=open`);
    assert.equal(open.body.items.length, 0);
    await page.context().close();
    await mod.context().close();
  });

  it('reads in French with ?lang=fr, amounts the French way, and switches to English, <html lang> following', async () => {
    const page = await newPage({ locale: 'fr-FR' });
    await page.goto(`${base}/?lang=fr`);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    await page.getByRole('textbox', { name: "Nom d'utilisateur" }).fill(people.ceo.username);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Accueil' }).waitFor({ timeout: WAIT });
    await nav.getByRole('link', { name: 'Communautés' }).waitFor();
    // Amounts in the French way, with their currency.
    await page.goto(`${base}/search?tab=deals&sector=healthcare`);
    await page.getByRole('tab', { name: 'Affaires', selected: true }).waitFor({ timeout: WAIT });
    await page.getByText(/150\s000,00\s€/).first().waitFor({ timeout: WAIT });
    await shot(page, 'search-deals-fr');
    await page.getByRole('button', { name: 'English' }).click();
    await nav.getByRole('link', { name: 'Home' }).waitFor();
    await page.getByRole('tab', { name: 'Deals', selected: true }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.getByText('€150,000.00').first().waitFor();
    await page.context().close();
  });

  it('works with the keyboard alone, with a visible focus', async () => {
    await ceoPage.goto(`${base}/`);
    await ceoPage.getByRole('article').first().waitFor({ timeout: WAIT });
    await ceoPage.keyboard.press('Tab');
    assert.equal(await ceoPage.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await ceoPage.keyboard.press('Enter');
    assert.equal(await ceoPage.evaluate(() => document.activeElement.id), 'main');
    // From the top again: Tab through the header to the "Communities" link and open it.
    await ceoPage.goto(`${base}/`);
    await ceoPage.getByRole('article').first().waitFor({ timeout: WAIT });
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await ceoPage.keyboard.press('Tab');
      reached = await ceoPage.evaluate(() => document.activeElement.textContent === 'Communities');
    }
    assert.ok(reached, 'the Communities link is in the tab order');
    const outline = await ceoPage.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused link shows a focus ring');
    await ceoPage.keyboard.press('Enter');
    await ceoPage.getByRole('heading', { name: 'Communities', level: 1 }).waitFor({ timeout: WAIT });
    // The search tabs answer the arrow keys.
    await ceoPage.goto(`${base}/search?q=sqlite`);
    await ceoPage.getByRole('tab', { name: 'Posts', selected: true }).focus();
    await ceoPage.keyboard.press('ArrowRight');
    await ceoPage.getByRole('tab', { name: 'People', selected: true }).waitFor({ timeout: WAIT });
    assert.equal(await ceoPage.evaluate(() => document.activeElement.textContent), 'People');
  });

  it('signs out, and the token stops working', async () => {
    const token = await followerPage.evaluate(() => localStorage.getItem('agora.token'));
    assert.equal((await apiCall(token, 'GET', '/api/v1/me')).status, 200);
    await followerPage.getByRole('button', { name: 'Sign out' }).click();
    await followerPage.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: WAIT });
    assert.equal(await followerPage.evaluate(() => localStorage.getItem('agora.token')), null);
    assert.equal((await apiCall(token, 'GET', '/api/v1/me')).status, 401);
    await followerPage.reload();
    await followerPage.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: WAIT });
  });

  it('resumes the live stream after a dropped connection with last_event_id, missing nothing', async () => {
    const page = await newPage();
    const urls = [];
    const routes = [];
    let lastForwarded = '';
    await page.context().routeWebSocket(/\/api\/v1\/stream/, (ws) => {
      urls.push(new URL(ws.url()));
      const server = ws.connectToServer();
      server.onMessage((message) => {
        const event = JSON.parse(message);
        if (event.event_id) lastForwarded = event.event_id;
        ws.send(message);
      });
      routes.push(ws);
    });
    await signIn(page, people.follower.username);
    await page.getByRole('article').first().waitFor({ timeout: WAIT });
    const first = `Before the drop ${Date.now()}`;
    assert.equal((await apiCall(people.ceo.token, 'POST', '/api/v1/posts', { text: first })).status, 201);
    await page.getByRole('article').filter({ hasText: first }).waitFor({ timeout: WAIT });
    assert.equal(urls.length, 1);
    assert.equal(urls[0].searchParams.get('last_event_id'), null);

    // The connection drops; a post is made while the page is away.
    const seen = lastForwarded;
    assert.ok(seen, 'the page received events');
    await routes[0].close({ code: 4000, reason: 'dropped by the test' });
    const missed = `While away ${Date.now()}`;
    assert.equal((await apiCall(people.ceo.token, 'POST', '/api/v1/posts', { text: missed })).status, 201);

    // The page reconnects by itself, says where it stopped, and gets what it missed.
    await page.getByRole('article').filter({ hasText: missed }).waitFor({ timeout: WAIT });
    assert.ok(urls.length >= 2, 'the page reconnected');
    assert.equal(urls[1].searchParams.get('last_event_id'), seen);
    assert.equal(await page.getByRole('article').filter({ hasText: first }).count(), 1);
    await page.context().close();
  });

  it('works on a phone-sized screen', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await signIn(page, people.outsider.username);
    await page.getByRole('article').first().waitFor({ timeout: WAIT });
    const text = `From my phone ${Date.now()}`;
    await page.getByRole('textbox', { name: 'Write a post' }).fill(text);
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.getByRole('article').filter({ hasText: text }).waitFor({ timeout: WAIT });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no horizontal scrolling (page is ${width}px wide)`);
    await shot(page, 'phone-home');
    await expectAccessible(page, 'phone home');
    await page.getByRole('navigation').getByRole('link', { name: 'Search' }).click();
    await page.getByRole('searchbox', { name: 'Search' }).fill('sqlite');
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await page.getByRole('tab', { name: 'Experts' }).click();
    await page.getByRole('button', { name: /^Why / }).first().waitFor({ timeout: WAIT });
    await shot(page, 'phone-search');
    await page.getByRole('navigation').getByRole('link', { name: 'Communities' }).click();
    await page.getByRole('link', { name: 'Engineering Guild' }).waitFor({ timeout: WAIT });
    await shot(page, 'phone-communities');
    await page.getByRole('navigation').getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('figure', { name: 'Org chart' }).waitFor({ timeout: WAIT });
    await shot(page, 'phone-profile');
    await expectAccessible(page, 'phone profile');
    await page.context().close();
  });

  it('shows a campaign leaderboard with progress, by team, and a TV view', async () => {
    const page = await newPage();
    await signIn(page, 'camille.martin');
    await page.getByRole('navigation').getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'Winter push' }).click();
    await page.getByRole('heading', { name: 'Winter push', level: 1 }).waitFor({ timeout: WAIT });
    const rows = page.getByRole('table').getByRole('row');
    await rows.nth(1).waitFor({ timeout: WAIT });
    assert.ok((await rows.count()) > 2, 'leaderboard rows');
    const bar = page.getByRole('progressbar').first();
    await bar.waitFor({ timeout: WAIT });
    assert.match((await bar.getAttribute('aria-valuenow')) || '', /^\d+$/);
    await shot(page, 'campaign');
    await expectAccessible(page, 'campaign');
    await page.getByRole('tab', { name: 'Teams' }).click();
    await page.getByRole('tab', { name: 'Teams', selected: true }).waitFor({ timeout: WAIT });
    await page.getByRole('rowheader', { name: /^(Team of |No manager)/ }).first().waitFor({ timeout: WAIT });
    await page.getByRole('button', { name: 'TV view' }).click();
    const tv = page.getByRole('dialog', { name: 'TV view' });
    await tv.getByRole('progressbar').first().waitFor({ timeout: WAIT });
    assert.equal(await page.getByRole('navigation').isVisible(), false, 'no navigation on the TV view');
    await shot(page, 'campaign-tv');
    await expectAccessible(page, 'campaign TV view');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'TV view' }).waitFor({ timeout: WAIT });
    await page.context().close();
  });

  it('shows monthly results as a chart and a table', async () => {
    const page = await newPage();
    await signIn(page, 'camille.martin');
    await page.getByRole('navigation').getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'Results' }).click();
    await page.getByRole('heading', { name: 'Monthly results' }).waitFor({ timeout: WAIT });
    const now = new Date();
    const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
    await page.getByLabel('Month', { exact: true }).fill(previous);
    await page.getByRole('table', { name: `Won amount, ${previous}` }).waitFor({ timeout: WAIT });
    await page.getByRole('img', { name: /^Won amount, / }).waitFor({ timeout: WAIT });
    assert.ok((await page.locator('svg.bar-chart rect').count()) > 0, 'bars drawn');
    const table = page.getByRole('table', { name: /^Won amount, / });
    await table.getByRole('row').nth(1).waitFor({ timeout: WAIT });
    await page.getByRole('tab', { name: 'Product' }).click();
    await page.getByRole('columnheader', { name: 'Product' }).waitFor({ timeout: WAIT });
    await table.getByRole('row').nth(1).waitFor({ timeout: WAIT });
    await shot(page, 'results');
    await expectAccessible(page, 'results');
    await page.context().close();
  });

  it('filters unanswered questions, and the asker accepts a reply', async () => {
    const token = await tokenOf('camille.martin');
    const open = await apiCall(token, 'GET', '/api/v1/questions?unanswered=true&limit=100');
    assert.equal(open.status, 200);
    const target = open.body.items.find((q) => q.replies_count > 0);
    assert.ok(target, 'an unanswered demo question with replies');
    const page = await newPage();
    await signIn(page, target.author.username);
    await page.getByRole('navigation').getByRole('link', { name: 'Questions' }).click();
    const all = page.getByRole('list', { name: 'Questions' }).getByRole('listitem');
    await all.first().waitFor({ timeout: WAIT });
    assert.ok((await page.getByRole('list', { name: 'Questions' }).getByText(/· answered$/).count()) > 0, 'answered questions listed');
    await page.getByRole('button', { name: 'Unanswered', pressed: false }).click();
    const unanswered = page.getByRole('list', { name: 'Unanswered questions' });
    await unanswered.getByRole('listitem').first().waitFor({ timeout: WAIT });
    assert.equal(await unanswered.getByText(/· answered$/).count(), 0, 'no answered question in the unanswered list');
    await shot(page, 'questions');
    await expectAccessible(page, 'questions');
    await page.goto(`${base}/questions/${target.id}`);
    const accept = page.getByRole('button', { name: /^Accept the answer by / }).first();
    await accept.waitFor({ timeout: WAIT });
    await accept.click();
    await page.getByRole('listitem', { name: /^Accepted answer by / }).waitFor({ timeout: WAIT });
    await page.getByRole('status').filter({ hasText: 'Answer accepted.' }).waitFor({ timeout: WAIT });
    const after = await apiCall(token, 'GET', `/api/v1/posts/${target.id}`);
    assert.ok(after.body.accepted_answer_id, 'the API has the accepted answer');
    await shot(page, 'question-accepted');
    await expectAccessible(page, 'question');
    await page.context().close();
  });

  it('takes a quiz and sees the score with explanations', async () => {
    const page = await newPage();
    await signIn(page, 'camille.martin');
    await page.getByRole('navigation').getByRole('link', { name: 'Questions' }).click();
    await page.getByRole('link', { name: 'Quizzes' }).click();
    await page.getByRole('link', { name: 'CPQ essentials' }).click();
    await page.getByRole('heading', { name: 'CPQ essentials', level: 1 }).waitFor({ timeout: WAIT });
    const groups = page.getByRole('group');
    await groups.first().waitFor({ timeout: WAIT });
    const count = await groups.count();
    for (let i = 0; i < count; i += 1) await groups.nth(i).getByRole('checkbox').first().check();
    await expectAccessible(page, 'quiz');
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByRole('heading', { name: /^Your score: / }).waitFor({ timeout: WAIT });
    assert.equal(await page.getByText(/^(Correct|Incorrect)\./).count(), count, 'a verdict per question');
    await shot(page, 'quiz-result');
    await page.context().close();
  });

  // Account lifecycle: a fresh account, so the demo's people keep their passwords.
  const lifecycle = { username: 'e2e.lifecycle', display: 'Lee Cycle', email: 'e2e.lifecycle@agora-demo.example' };
  const NEW_PASSWORD = 'a-new-e2e-password-7';

  it("changes one's password in Settings, ending the other sessions, and signs in with the new one", async () => {
    const created = await apiCall(people.ceo.token, 'POST', '/api/v1/users', {
      username: lifecycle.username,
      display_name: lifecycle.display,
      email: lifecycle.email,
      password: PASSWORD,
      department: 'Lifecycle',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    lifecycle.id = created.body.id;
    const otherSession = await tokenOf(lifecycle.username);

    const page = await newPage();
    await signIn(page, lifecycle.username);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor({ timeout: WAIT });
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor({ timeout: WAIT });
    await expectAccessible(page, 'settings');
    await shot(page, 'settings');
    assert.equal((await apiCall(otherSession, 'GET', '/api/v1/me')).status, 401);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Username' }).fill(lifecycle.username);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Home' }).waitFor({ timeout: WAIT });
    await page.context().close();
  });

  it('creates a personal access token shown once, which works through the API until revoked', async () => {
    const page = await newPage();
    await page.goto(`${base}/?lang=en`);
    await page.getByRole('textbox', { name: 'Username' }).fill(lifecycle.username);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Token name').fill('e2e bot');
    await page.getByRole('checkbox', { name: 'Write' }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('textbox', { name: 'New token “e2e bot”' });
    await shown.waitFor({ timeout: WAIT });
    const token = await shown.inputValue();
    assert.match(token, /^agp_/);
    await page.getByText('Copy it now: it will not be shown again.').waitFor();
    await page.getByRole('button', { name: 'Revoke e2e bot' }).waitFor({ timeout: WAIT });
    await expectAccessible(page, 'settings with a token');
    await shot(page, 'settings-token');

    const me = await apiCall(token, 'GET', '/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.username, lifecycle.username);
    const posted = await apiCall(token, 'POST', '/api/v1/posts', { text: 'Posted by the e2e bot' });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));

    await page.getByRole('button', { name: 'Revoke e2e bot' }).click();
    await page.getByRole('button', { name: 'Revoke e2e bot' }).waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await shown.count(), 0, 'the secret is gone with its token');
    assert.equal((await apiCall(token, 'GET', '/api/v1/me')).status, 401);
    await page.context().close();
  });

  it('lets an admin find someone on the People screen, deactivate, reactivate and reset them', async () => {
    const page = await newPage();
    await signIn(page, people.ceo.username);
    await page.getByRole('link', { name: 'Admin: people' }).click();
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor({ timeout: WAIT });
    await page.getByLabel('Email').fill(lifecycle.email.toUpperCase());
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: lifecycle.display });
    await row.waitFor({ timeout: WAIT });
    assert.equal(await page.getByRole('row').count(), 2, 'the header and the one person found');

    await row.getByRole('button', { name: `Deactivate ${lifecycle.display}` }).click();
    await row.getByRole('button', { name: `Reactivate ${lifecycle.display}` }).waitFor({ timeout: WAIT });
    const refused = await apiCall('', 'POST', '/api/v1/auth/login', { username: lifecycle.username, password: NEW_PASSWORD });
    assert.equal(refused.status, 401);
    await expectAccessible(page, 'admin people');
    await shot(page, 'admin-people');

    await row.getByRole('button', { name: `Reactivate ${lifecycle.display}` }).click();
    await row.getByRole('button', { name: `Deactivate ${lifecycle.display}` }).waitFor({ timeout: WAIT });
    const back = await apiCall('', 'POST', '/api/v1/auth/login', { username: lifecycle.username, password: NEW_PASSWORD });
    assert.equal(back.status, 200);

    await row.getByRole('combobox', { name: `Roles of ${lifecycle.display}` }).selectOption('member,sales_ops');
    await page.waitForFunction(
      async ([id, token]) => {
        const r = await fetch(`/api/v1/users/${id}`, { headers: { Authorization: `Bearer ${token}` } });
        return (await r.json()).roles.includes('sales_ops');
      },
      [lifecycle.id, people.ceo.token],
      { timeout: WAIT },
    );

    await row.getByRole('button', { name: `Create a password reset token for ${lifecycle.display}` }).click();
    const reset = row.getByRole('textbox', { name: `Reset token for ${lifecycle.display} (valid 24 hours)` });
    await reset.waitFor({ timeout: WAIT });
    const used = await apiCall('', 'POST', '/api/v1/auth/password_reset', { reset_token: await reset.inputValue(), new_password: PASSWORD });
    assert.equal(used.status, 204);
    assert.equal((await apiCall('', 'POST', '/api/v1/auth/login', { username: lifecycle.username, password: PASSWORD })).status, 200);
    await page.context().close();
  });

  it('lets an owner set a department rule, and shows the people it adds as members', async () => {
    const ownerToken = await tokenOf(people.follower.username);
    const created = await apiCall(ownerToken, 'POST', '/api/v1/communities', { name: 'Finance circle', visibility: 'private' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const page = await newPage();
    await signIn(page, people.follower.username);
    await page.goto(`${base}/communities/${created.body.id}`);
    await page.getByRole('tab', { name: 'Moderation' }).click();
    const rules = page.getByRole('region', { name: 'Membership rules' });
    await rules.getByText('No rules: people join by hand.').waitFor({ timeout: WAIT });
    await rules.getByRole('button', { name: 'Add a rule' }).click();
    await rules.getByRole('group', { name: 'Rule 1' }).getByRole('textbox', { name: 'Department is' }).fill('Finance');
    await expectAccessible(page, 'membership rules');
    await rules.getByRole('button', { name: 'Save rules' }).click();
    const saved = rules.getByRole('status');
    await saved.waitFor({ timeout: WAIT });
    const joined = /Rules saved: (\d+) joined, 0 left\./.exec(await saved.textContent());
    assert.ok(joined && Number(joined[1]) > 0, `the Finance people joined: ${await saved.textContent()}`);
    await shot(page, 'membership-rules');

    // Exactly the Finance people joined, marked as added by rule.
    const members = await apiCall(ownerToken, 'GET', `/api/v1/communities/${created.body.id}/members?limit=100`);
    const byRule = members.body.items.filter((m) => m.source === 'rule');
    assert.equal(byRule.length, Number(joined[1]));
    for (const m of byRule) {
      const user = await apiCall(ownerToken, 'GET', `/api/v1/users/${m.user.id}`);
      assert.equal(user.body.department, 'Finance');
    }
    // The members tab shows them, "added by rule", with no remove button (a ban stays possible).
    await page.getByRole('tab', { name: 'Members' }).click();
    const row = page.getByRole('row').filter({ hasText: byRule[0].user.display_name }).first();
    await row.getByText('added by rule').waitFor({ timeout: WAIT });
    assert.equal(await row.getByRole('button', { name: /^Remove/ }).count(), 0);
    assert.equal(await row.getByRole('button', { name: /^Ban/ }).count(), 1);
    await shot(page, 'members-by-rule');
    await expectAccessible(page, 'members by rule');
    await page.context().close();
  });

  it("marks the members the identity provider's SCIM group manages, with no remove button", async () => {
    const made = spawnSync(binary, ['scim-token', 'create', '--data', dataDir, '--name', 'e2e'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const scimToken = made.stdout.trim();
    const response = await fetch(`${base}/scim/v2/Groups`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${scimToken}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Okta engineers', members: [{ value: people.follower.id }] }),
    });
    assert.equal(response.status, 201);
    const group = await response.json();
    const owners = await apiCall(people.ceo.token, 'GET', `/api/v1/communities/${group.id}/members?role=owner`);
    const page = await newPage();
    await signIn(page, owners.body.items[0].user.username);
    await page.goto(`${base}/communities/${group.id}`);
    await page.getByRole('tab', { name: 'Members' }).click();
    const follower = await apiCall(people.ceo.token, 'GET', `/api/v1/users/${people.follower.id}`);
    const row = page.getByRole('row').filter({ hasText: follower.body.display_name }).first();
    await row.getByText('managed by your identity provider').waitFor({ timeout: WAIT });
    assert.equal(await row.getByRole('button', { name: /^Remove/ }).count(), 0);
    await shot(page, 'members-by-scim');
    await expectAccessible(page, 'members by scim');
    await page.context().close();
  });

  it("shows a leaver's community with its new owner after the admin deactivates them", async () => {
    const leaver = await apiCall(people.ceo.token, 'POST', '/api/v1/users', {
      username: 'lee.leaver',
      display_name: 'Lee Leaver',
      email: 'lee.leaver@example.com',
      password: PASSWORD,
      manager_id: people.follower.id,
    });
    assert.equal(leaver.status, 201, JSON.stringify(leaver.body));
    const community = await apiCall(await tokenOf('lee.leaver'), 'POST', '/api/v1/communities', { name: 'Leaver guild', visibility: 'open' });
    assert.equal(community.status, 201, JSON.stringify(community.body));
    const deactivated = await apiCall(people.ceo.token, 'POST', `/api/v1/users/${leaver.body.id}/deactivate`, {});
    assert.equal(deactivated.status, 200, JSON.stringify(deactivated.body));
    assert.deepEqual(deactivated.body.handover.communities, [community.body.id]);
    assert.equal(deactivated.body.handover.communities_to, people.follower.id);

    // The manager opens the community: they are its owner now, the leaver a plain member.
    const page = await newPage();
    await signIn(page, people.follower.username);
    await page.goto(`${base}/communities/${community.body.id}`);
    await page.getByRole('heading', { name: 'Leaver guild', level: 1 }).waitFor({ timeout: WAIT });
    await page.getByRole('tab', { name: 'Members' }).click();
    const me = (await apiCall(people.ceo.token, 'GET', `/api/v1/users/${people.follower.id}`)).body;
    const ownerRow = page.getByRole('row').filter({ hasText: me.display_name }).first();
    await ownerRow.getByRole('cell', { name: 'Owner' }).waitFor({ timeout: WAIT });
    await page.getByRole('row').filter({ hasText: 'Lee Leaver' }).waitFor({ timeout: WAIT });
    await shot(page, 'handover-community');
    await page.goto(`${base}/notifications`);
    await page.getByText(/made you owner of Leaver guild/).waitFor({ timeout: WAIT });
    await page.context().close();
  });

  it('an admin invites a guest, who sees only their community and no company navigation', async () => {
    const support = people.communities['Support Escalations'];
    const admin = await newPage();
    await signIn(admin, people.ceo.username);
    await admin.goto(`${base}/admin/guests`);
    await admin.getByRole('heading', { name: 'Invite a guest', level: 1 }).waitFor({ timeout: WAIT });
    const form = admin.getByRole('form', { name: 'Invite a guest' });
    await form.getByLabel('Username').fill('pat.partner');
    await form.getByLabel('Display name').fill('Pat Partner');
    await form.getByLabel('Email').fill('pat@partner.example');
    await form.getByLabel('Password').fill(PASSWORD);
    const until = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    await form.getByLabel('Guest until').fill(until);
    await form.getByRole('checkbox', { name: 'Support Escalations' }).check();
    await expectAccessible(admin, 'invite-guest');
    await form.getByRole('button', { name: 'Invite a guest' }).click();
    await admin.getByRole('status').filter({ hasText: 'Pat Partner is invited as a guest' }).waitFor({ timeout: WAIT });
    await shot(admin, 'invite-guest');
    await admin.context().close();

    // A post in their community, and one for the whole company they must not see.
    const owner = await tokenOf(people.supportOwner.username);
    const inside = `For our partner ${Date.now()}`;
    const company = `Company only ${Date.now()}`;
    assert.equal((await apiCall(owner, 'POST', '/api/v1/posts', { text: inside, community_id: support.id })).status, 201);
    assert.equal((await apiCall(owner, 'POST', '/api/v1/posts', { text: company })).status, 201);

    const page = await newPage();
    await signIn(page, 'pat.partner');
    await page.getByRole('article').filter({ hasText: inside }).waitFor({ timeout: WAIT });
    assert.equal(await page.getByRole('article').filter({ hasText: company }).count(), 0);
    const guestHome = await apiCall(await tokenOf('pat.partner'), 'GET', '/api/v1/feeds/home?limit=100');
    for (const item of guestHome.body.orderedItems) assert.equal(item.object['agora:post'].community_id, support.id);
    await page.getByText(/^Guest until /).waitFor({ timeout: WAIT });
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Home', 'Communities', 'Profile']) await nav.getByRole('link', { name }).waitFor();
    for (const name of ['Search', 'Campaigns', 'Questions']) assert.equal(await nav.getByRole('link', { name }).count(), 0, name);
    await nav.getByRole('link', { name: 'Communities' }).click();
    await page.getByRole('link', { name: 'Support Escalations' }).waitFor({ timeout: WAIT });
    assert.equal(await page.getByRole('button', { name: 'Create a community' }).count(), 0);
    await shot(page, 'guest-communities');
    await expectAccessible(page, 'guest-communities');
    // Company pages, typed in directly, are not found.
    for (const target of ['/search', '/campaigns', '/results', `/people/@${people.ceo.username}`]) {
      await page.goto(`${base}${target}`);
      await page.getByText('Not found.').first().waitFor({ timeout: WAIT });
    }
    await shot(page, 'guest-not-found');
    await page.context().close();
  });

  it('lets an admin check an HR file, see its changes and bad rows, then apply it', async () => {
    const page = await newPage();
    await signIn(page, 'camille.martin');
    await page.goto(`${base}/admin/import`);
    await page.getByRole('heading', { name: 'Import people', level: 1 }).waitFor({ timeout: WAIT });
    const csv =
      'employee_number,username,email,display_name,title,manager\n' +
      'HR-1,nadia.import,nadia.import@example.com,Nadia Import,Analyst,HR-2\n' +
      'HR-2,omar.import,omar.import@example.com,Omar Import,Lead,\n' +
      'HR-3,pia.import,not-an-email,Pia Import,,\n';
    await page.getByLabel('HR export (CSV)').setInputFiles({ name: 'hr.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await page.getByRole('heading', { name: 'What the import would do' }).waitFor({ timeout: WAIT });
    await page.getByText(/^Would create 2, update 0 and deactivate 0/).waitFor({ timeout: WAIT });
    const changes = page.getByRole('table', { name: 'Changes' });
    assert.equal(await changes.getByRole('row').count(), 3, 'a header and two people');
    const errors = page.getByRole('table', { name: 'Rows not imported' });
    assert.match(await errors.getByRole('row').nth(1).textContent(), /^4invalid_email/);
    await expectAccessible(page, 'people import dry run');
    await shot(page, 'admin-import-dry-run');
    assert.equal((await apiCall(people.ceo.token, 'GET', '/api/v1/users/@nadia.import')).status, 404, 'a dry run writes nothing');

    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('heading', { name: 'What the import did' }).waitFor({ timeout: WAIT });
    await page.getByText(/^Created 2, updated 0 and deactivated 0/).waitFor({ timeout: WAIT });
    const nadia = await apiCall(people.ceo.token, 'GET', '/api/v1/users/@nadia.import');
    const omar = await apiCall(people.ceo.token, 'GET', '/api/v1/users/@omar.import');
    assert.equal(nadia.status, 200);
    assert.equal(nadia.body.manager_id, omar.body.id);
    await page.context().close();
  });

  it('downloads my data as JSON holding my own post', async () => {
    const token = await tokenOf(people.follower.username);
    const text = 'Checking what my data export holds';
    assert.equal((await apiCall(token, 'POST', '/api/v1/posts', { text })).status, 201);
    const page = await newPage();
    await signIn(page, people.follower.username);
    await page.getByRole('navigation').getByRole('link', { name: 'Profile' }).click();
    const button = page.getByRole('button', { name: 'Download my data' });
    await button.waitFor({ timeout: WAIT });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), button.click()]);
    const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.equal(data.user.username, people.follower.username);
    assert.ok(data.posts.some((p) => p.text === text), 'the export holds my post');
    assert.ok(Array.isArray(data.notifications));
    await page.context().close();
  });

  it('signs in through the company SSO at the real OpenID provider, with no password form, and lands on the home stream', async () => {
    // A second server, OpenID Connect only, with one person the provider also knows.
    const { startProvider, CLIENT_ID, CLIENT_SECRET } = await import('../../tests/oidc/provider.mjs');
    const probe = net.createServer();
    await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = probe.address().port;
    await new Promise((resolve) => probe.close(resolve));
    const ssoBase = `http://127.0.0.1:${port}`;
    const provider = await startProvider({
      redirectUris: [`${ssoBase}/api/v1/auth/oidc/callback`],
      accounts: { 'dana-sub': { email: 'dana.sso@example.com', name: 'Dana Sso' } },
    });
    const ssoData = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-e2e-sso-'));
    addUser(ssoData, 'dana', 'Dana Sso', 'dana.sso@example.com');
    const secretFile = path.join(ssoData, 'oidc-secret');
    fs.writeFileSync(secretFile, CLIENT_SECRET, { mode: 0o600 });
    const page = await newPage();
    let sso;
    try {
      ({ child: sso } = await serve(ssoData, `127.0.0.1:${port}`, ['--oidc-issuer', provider.issuer, '--oidc-client-id', CLIENT_ID,
        '--oidc-client-secret-file', secretFile, '--oidc-name', 'Example SSO', '--no-password-login']));
      await page.goto(`${ssoBase}/?lang=en`);
      const button = page.getByRole('link', { name: 'Sign in with Example SSO' });
      await button.waitFor({ timeout: WAIT });
      assert.equal(await page.getByRole('textbox', { name: 'Username' }).count(), 0);
      await expectAccessible(page, 'sso sign-in');
      await shot(page, 'sso-sign-in');
      await button.click();
      // The provider's own login page.
      await page.locator('input[name=login]').fill('dana-sub');
      await page.locator('input[name=password]').fill('any');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('navigation').getByRole('link', { name: 'Home' }).waitFor({ timeout: WAIT });
      assert.ok(!page.url().includes('oidc_login'), `the login code stayed in the address bar: ${page.url()}`);
      await shot(page, 'sso-signed-in');
    } finally {
      await page.context().close();
      if (sso) sso.kill('SIGTERM');
      await provider.close();
      fs.rmSync(ssoData, { recursive: true, force: true });
    }
  });

  it('says "at least" beside a search total once counting stops at 1,000 matches', async () => {
    // A server of its own without quotas: one person writes 1,001 posts sharing a word.
    const manyData = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-e2e-many-'));
    addUser(manyData, 'prolific', 'Prolific Writer', 'prolific@example.com');
    const page = await newPage();
    let many;
    try {
      let manyBase;
      ({ child: many, url: manyBase } = await serve(manyData, '127.0.0.1:0', ['--no-quotas']));
      const token = await tokenOf('prolific', manyBase);
      for (let batch = 0; batch < 1001; batch += 91) {
        const writes = Array.from({ length: 91 }, (_, i) =>
          apiCall(token, 'POST', '/api/v1/posts', { text: `Lanterne report number ${batch + i}` }, manyBase));
        for (const r of await Promise.all(writes)) assert.equal(r.status, 201);
      }
      await signIn(page, 'prolific', 'en', manyBase);
      await page.goto(`${manyBase}/search?q=lanterne`);
      await page.getByRole('status').filter({ hasText: 'At least 1,000 results' }).waitFor({ timeout: WAIT });
      // Below the bound the count is exact, with no "at least".
      await page.goto(`${manyBase}/search?q=${encodeURIComponent('"report number 1000"')}`);
      await page.getByRole('status').filter({ hasText: /^1 result/ }).waitFor({ timeout: WAIT });
      await page.goto(`${manyBase}/search?q=lanterne&lang=fr`);
      await page.getByRole('status').filter({ hasText: /Au moins 1\s000 résultats/ }).waitFor({ timeout: WAIT });
    } finally {
      await page.context().close();
      if (many) many.kill('SIGTERM');
      fs.rmSync(manyData, { recursive: true, force: true });
    }
  });

  it('broke no Content-Security-Policy rule and threw no error', () => {
    assert.deepEqual(consoleProblems, []);
  });
});
