// Agora's ActivityStreams 2.0 documents read by two independent implementations from npm
// (pinned in package-lock.json; scripts/install-deps.sh runs `npm ci` here):
//  - jsonld (JSON-LD 1.1) expands every document in safe mode, which throws on a relative id
//    or a value it would have to drop; a term that no context declares would survive only as
//    a blank-node property ("_:term", through the AS2 context's "@vocab": "_:"), so expanded
//    documents are also checked for none. The AS2 context comes from the copy vendored here
//    (activitystreams.jsonld, from the activitystreams-context package), never from the network;
//  - activitystrea.ms (an AS2 object model) imports them and reads them back.
// Documents: the home stream, a community stream, a person's stream, a post (Note), its
// Create activity and its author (Person), from a real `agora serve` on loopback.
// Usage: AGORA_BINARY=PATH/TO/agora node --test as2.test.mjs
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import as from 'activitystrea.ms';
import jsonld from 'jsonld';

const AS2 = 'https://www.w3.org/ns/activitystreams';
const AS2_CONTEXT = JSON.parse(readFileSync(new URL('./activitystreams.jsonld', import.meta.url)));
const PASSWORD = 'a long enough password';

// Serves the vendored AS2 context and refuses every other URL: no network in tests.
async function documentLoader(url) {
  if (url === AS2 || url === `${AS2}#`) return { contextUrl: null, document: AS2_CONTEXT, documentUrl: url };
  throw new Error(`no network in tests: ${url}`);
}
const expand = (doc) => jsonld.expand(doc, { documentLoader, safe: true });

// Throws when expansion kept a term only as a blank-node property: one no context declares.
function checkNothingDropped(expanded) {
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object' || node['@type'] === '@json') return;
    for (const [key, value] of Object.entries(node)) {
      assert.ok(!key.startsWith('_:'), `undeclared term ${key.slice(2)}`);
      walk(value);
    }
  };
  walk(expanded);
  return expanded;
}
const expandAll = async (doc) => checkNothingDropped(await expand(doc));

// activitystrea.ms answers a functional property with its value and others with an iterator.
const one = (v) => (v?.constructor?.name === 'ValueIterator' ? v.first : v);
// A literal, or a language map's default value.
const text = (v) => {
  const value = one(v);
  return value && typeof value === 'object' && typeof value.get === 'function' ? value.get() : value;
};

let server;
let data;
let base;
const tokens = {};
const ids = {};

async function call(method, target, { token, body, accept } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (accept) headers.accept = accept;
  if (body) headers['content-type'] = 'application/json';
  const response = await fetch(base + target, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : null };
}

// GET of an AS2 document: absolute URLs of this server, or request targets.
async function as2(target, token = tokens.ben) {
  const r = await call('GET', target.startsWith(base) ? target.slice(base.length) : target,
    { token, accept: 'application/activity+json' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.type, 'application/activity+json');
  return r.body;
}

async function post(who, body) {
  const r = await call('POST', '/api/v1/posts', { token: tokens[who], body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

before(async () => {
  const agora = process.env.AGORA_BINARY;
  assert.ok(agora, 'AGORA_BINARY names the agora executable');
  data = mkdtempSync(path.join(tmpdir(), 'agora-as2-'));
  execFileSync(agora, ['user', 'add', '--data', data, '--username', 'root', '--display-name', 'Root',
    '--email', 'root@example.com', '--admin', '--password-cost', 'minimum'],
  { input: `${PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  server = spawn(agora, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--password-cost', 'minimum'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    let seen = '';
    server.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (\S+)/);
      if (match) resolve(`http://${match[1]}`);
    });
    server.on('exit', (code) => reject(new Error(`agora serve exited with ${code}`)));
    setTimeout(() => reject(new Error('agora serve did not start')), 20000);
  });
  const login = async (username) =>
    (await call('POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } })).body.token;
  tokens.root = await login('root');
  for (const [username, display_name] of [['ana', 'Ana Lima'], ['ben', 'Ben Ode']]) {
    const r = await call('POST', '/api/v1/users', {
      token: tokens.root,
      body: { username, display_name, email: `${username}@example.com`, password: PASSWORD },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids[username] = r.body.id;
    tokens[username] = await login(username);
  }
  assert.equal((await call('POST', `/api/v1/users/${ids.ana}/follow`, { token: tokens.ben })).status, 200);
  const community = await call('POST', '/api/v1/communities',
    { token: tokens.ana, body: { name: 'Launch crew', visibility: 'open' } });
  ids.community = community.body.id;
  assert.equal((await call('POST', `/api/v1/communities/${ids.community}/join`, { token: tokens.ben })).status, 200);
  ids.post = await post('ana', {
    text: 'Hello @ben <script>alert(1)</script> #Launch see https://docs.example/a?b=1&c=2\nbye',
  });
  ids.reply = await post('ben', { text: 'thanks @ana', in_reply_to: ids.post });
  ids.communityPost = await post('ana', { text: 'inside #crew', community_id: ids.community });
  ids.latest = await post('ana', { text: 'the newest' });
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (data) rmSync(data, { recursive: true, force: true });
});

// Every @id of an expanded document is an absolute http(s) URL of this server (or as:Public).
function checkIds(expanded) {
  let count = 0;
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (node['@type'] === '@json') return;  // agora:post / agora:user: the API's JSON, opaque
    if (typeof node['@id'] === 'string') {
      count++;
      assert.ok(node['@id'].startsWith(`${base}/`) || node['@id'] === `${AS2}#Public`, node['@id']);
    }
    Object.values(node).forEach(walk);
  };
  walk(expanded);
  return count;
}

// The stream page through both libraries; returns activitystrea.ms' view of its items.
async function readPage(target) {
  const page = await as2(target);
  assert.equal(page.type, 'OrderedCollectionPage');
  assert.ok(page.orderedItems.length > 0, target);
  const expanded = await expandAll(page);
  assert.equal(expanded.length, 1);
  assert.equal(expanded[0]['@id'], page.id);
  assert.ok(checkIds(expanded) >= 1 + 3 * page.orderedItems.length);

  const imported = await as.import(page);
  assert.equal(imported.type, `${AS2}#OrderedCollectionPage`);
  assert.equal(imported.id, page.id);
  assert.equal(one(imported.get('partOf')).id, page.partOf);
  const items = [...imported.get('items')];
  assert.equal(items.length, page.orderedItems.length);
  items.forEach((item, i) => {
    const json = page.orderedItems[i];
    assert.equal(item.type, `${AS2}#Create`);
    assert.equal(item.id, json.id);
    const actor = one(item.actor);
    assert.equal(actor.type, `${AS2}#Person`);
    assert.equal(actor.id, json.actor.id);
    assert.equal(text(actor.get('preferredUsername')), json.actor.preferredUsername);
    assert.equal(text(actor.name), json.actor.name);
    const note = one(item.object);
    assert.equal(note.type, `${AS2}#Note`);
    assert.equal(note.id, json.object.id);
    assert.equal(text(note.content), json.object.content);
    assert.equal(one(note.attributedTo).id, json.actor.id);
  });
  return { page, items };
}

test('the checks refuse an undeclared term and a relative id (they can fail)', async () => {
  const page = await as2('/api/v1/feeds/home');
  await assert.rejects(expandAll({ ...page, undeclared: 1 }), /undeclared term undeclared/);
  await assert.rejects(expandAll({ ...page, id: '386323914067804160/create' }), /Safe mode/);
});

test('the home stream page reads the same in both libraries', async () => {
  const { page, items } = await readPage('/api/v1/feeds/home');
  const json = page.orderedItems.find((item) => item.object['agora:post'].id === ids.post);
  assert.ok(json);
  const note = one(items[page.orderedItems.indexOf(json)].object);
  const tags = [...note.tag];
  assert.deepEqual(tags.map((t) => t.type), [`${AS2}#Mention`, `${AS2}#Hashtag`]);
  // as:Hashtag is no type activitystrea.ms knows, so it reads `href` as a plain property.
  const href = (tag) => {
    const h = one(tag.get('href'));
    return typeof h === 'string' ? h : h?.id;
  };
  assert.equal(href(tags[0]), `${base}/api/v1/users/${ids.ben}`);
  assert.equal(href(tags[1]), `${base}/api/v1/search/posts?hashtag=launch`);
  assert.ok(text(note.content).includes('&lt;script&gt;'));
  assert.ok(!text(note.content).includes('<script>'));
  const source = one(note.get('source'));
  assert.equal(text(source.content), json.object['agora:post'].text);
  assert.equal(one(note.to).id, `${AS2}#Public`);
  const reply = await as.import(await as2(`/api/v1/posts/${ids.reply}`));
  assert.equal(one(reply.inReplyTo).id, `${base}/api/v1/posts/${ids.post}`);
  // `next` and `prev` are pages of the same collection, absolute too.
  if (page.prev) assert.equal((await as2(page.prev)).partOf, page.partOf);
});

test('a community stream page: addressed to the community, never public', async () => {
  const { page, items } = await readPage(`/api/v1/communities/${ids.community}/feed`);
  const community = `${base}/api/v1/communities/${ids.community}`;
  for (const item of items) {
    assert.equal(one(item.to).id, community);
    assert.equal(one(one(item.object).audience).id, community);
  }
  assert.ok(!JSON.stringify(page).includes(`${AS2}#Public`));
});

test("a person's stream page, paged by absolute links", async () => {
  const { page } = await readPage(`/api/v1/users/${ids.ana}/feed?limit=1`);
  assert.ok(page.next.startsWith(`${base}/api/v1/users/${ids.ana}/feed?before=`));
  await readPage(page.next);
});

test('a post, its Create activity and its author dereference to the same ids', async () => {
  const { page } = await readPage('/api/v1/feeds/home');
  const item = page.orderedItems.find((i) => i.object['agora:post'].id === ids.post);
  for (const [iri, type] of [[item.id, 'Create'], [item.object.id, 'Note'], [item.actor.id, 'Person']]) {
    const doc = await as2(iri);
    assert.equal(doc.id, iri);
    assert.equal(doc.type, type);
    assert.equal(checkIds(await expandAll(doc)) > 0, true);
    const imported = await as.import(doc);
    assert.equal(imported.id, iri);
    assert.equal(imported.type, `${AS2}#${type}`);
  }
});

test('JSON-LD asked for as such gets the AS2 profile', async () => {
  const r = await call('GET', `/api/v1/posts/${ids.post}`, { token: tokens.ben, accept: 'application/ld+json' });
  assert.equal(r.type, `application/ld+json; profile="${AS2}"`);
  await expandAll(r.body);
});
