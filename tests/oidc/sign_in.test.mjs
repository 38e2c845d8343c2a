// OpenID Connect sign-in end to end: a real `agora serve` and a real OpenID provider
// (oidc-provider) on loopback, driven over HTTP as a browser and as an API client would.
//
//   AGORA_BINARY=build/ci/app/agora node --test tests/oidc/sign_in.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agora, Browser, freePort } from './harness.mjs';
import { startProvider } from './provider.mjs';

const binary = process.env.AGORA_BINARY;
assert.ok(binary, 'set AGORA_BINARY to the agora executable');

// Signs in at the provider as `login`, visits the callback as a browser, redeems the login code
// from the fragment; returns { location, login } (login: the exchange's answer).
async function signIn(agora, login, options) {
  const browser = new Browser();
  const callback = await browser.signInAtProvider(agora, login, options);
  const answer = await browser.go(callback);
  assert.equal(answer.status, 302);
  const location = answer.headers.get('location');
  const code = /#oidc_login=([\w-]+)$/.exec(location);
  if (!code) return { location };
  const exchanged = await agora.json('POST', '/api/v1/auth/oidc/exchange', { body: { login_code: code[1] } });
  return { location, login: exchanged, code: code[1] };
}

// The error code of a callback visited by a browser (`/#oidc_error=CODE`).
async function browserError(agora, login) {
  const { location } = await signIn(agora, login);
  const m = /^\/#oidc_error=(\w+)$/.exec(location);
  assert.ok(m, `expected an error redirect, got ${location}`);
  return m[1];
}

describe('OpenID Connect sign-in against a real provider', () => {
  let provider;
  let agora;
  let ana;

  before(async () => {
    const port = await freePort();
    provider = await startProvider({ redirectUris: [`http://127.0.0.1:${port}/api/v1/auth/oidc/callback`] });
    agora = await Agora.start({ binary, port, issuer: provider.issuer });
    ana = await agora.createUser('ana', 'Ana@Example.com');
  });
  after(async () => {
    await agora?.stop();
    await provider?.close();
  });

  it('tells clients which sign-in methods exist', async () => {
    const methods = await agora.json('GET', '/api/v1/auth/methods');
    assert.equal(methods.status, 200);
    assert.deepEqual(methods.body, { password: true, oidc: { name: 'Example SSO', start_url: '/api/v1/auth/oidc/start' } });
  });

  it('start redirects to the provider with PKCE S256, state and nonce, and a browser-bound cookie', async () => {
    const response = await agora.request('GET', '/api/v1/auth/oidc/start');
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location'));
    assert.equal(location.origin, provider.issuer);
    assert.equal(location.searchParams.get('response_type'), 'code');
    assert.equal(location.searchParams.get('client_id'), 'agora');
    assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
    assert.match(location.searchParams.get('code_challenge'), /^[\w-]{43}$/);
    assert.match(location.searchParams.get('state'), /^[\w-]{43}$/);
    assert.match(location.searchParams.get('nonce'), /^[\w-]{43}$/);
    assert.equal(location.searchParams.get('redirect_uri'), `${agora.url}/api/v1/auth/oidc/callback`);
    const cookie = response.headers.get('set-cookie');
    assert.match(cookie, /^agora_oidc=[\w-]{43}; Path=\/api\/v1\/auth\/oidc; Max-Age=600; HttpOnly; SameSite=Lax$/);
  });

  it('signs in a person found by verified email (any case), ending on / with a one-time login code', async () => {
    const { location, login, code } = await signIn(agora, 'ana-sub');
    assert.match(location, /^\/#oidc_login=/);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.user.username, 'ana');
    const me = await agora.json('GET', '/api/v1/me', { token: login.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, ana.id);
    // The login code works once.
    const again = await agora.json('POST', '/api/v1/auth/oidc/exchange', { body: { login_code: code } });
    assert.equal(again.status, 401);
    assert.equal(again.body.error.code, 'invalid_login_code');
  });

  it('signs in again by the subject it recorded, and refuses another subject with the same email', async () => {
    const { login } = await signIn(agora, 'ana-sub');
    assert.equal(login.body.user.id, ana.id);
    assert.equal(await browserError(agora, 'imposter-sub'), 'subject_mismatch');
  });

  it('returns to a same-origin path and refuses any other return_to', async () => {
    const { location } = await signIn(agora, 'ana-sub', { returnTo: '/communities' });
    assert.match(location, /^\/communities#oidc_login=/);
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'relative']) {
      const answer = await agora.json('GET', `/api/v1/auth/oidc/start?return_to=${encodeURIComponent(bad)}`);
      assert.equal(answer.status, 400, bad);
      assert.equal(answer.body.error.code, 'invalid_return_to');
    }
  });

  it('answers API clients with JSON: the login code, or the error body', async () => {
    const browser = new Browser();
    const callback = await browser.signInAtProvider(agora, 'ana-sub');
    const answer = await browser.go(callback, { headers: { accept: 'application/json' } });
    assert.equal(answer.status, 200);
    const body = await answer.json();
    assert.equal(body.return_to, '/');
    const exchanged = await agora.json('POST', '/api/v1/auth/oidc/exchange', { body: { login_code: body.login_code } });
    assert.equal(exchanged.status, 200);
    const replay = await browser.go(callback, { headers: { accept: 'application/json' } });
    assert.equal(replay.status, 401);
    assert.equal((await replay.json()).error.code, 'invalid_state');
  });

  it('refuses a replayed state, and a replayed code under a fresh state', async () => {
    const browser = new Browser();
    const callback = await browser.signInAtProvider(agora, 'ana-sub');
    assert.equal((await browser.go(callback)).status, 302);
    const replayed = await browser.go(callback);
    assert.equal(replayed.headers.get('location'), '/#oidc_error=invalid_state');
    // A new sign-in in the same browser, answered with the first one's code.
    const fresh = await browser.go(`${agora.url}/api/v1/auth/oidc/start`);
    const state = new URL(fresh.headers.get('location')).searchParams.get('state');
    const oldCode = new URL(callback).searchParams.get('code');
    const reused = await browser.go(`${agora.url}/api/v1/auth/oidc/callback?code=${oldCode}&state=${state}`);
    assert.equal(reused.headers.get('location'), '/#oidc_error=code_rejected');
  });

  it('refuses a callback carried to another browser (no cookie, or another cookie)', async () => {
    const browser = new Browser();
    const callback = await browser.signInAtProvider(agora, 'ana-sub');
    const stranger = new Browser();
    await stranger.go(`${agora.url}/api/v1/auth/oidc/start`);  // a cookie of its own
    assert.equal((await stranger.go(callback)).headers.get('location'), '/#oidc_error=invalid_state');
    // The state is spent even so: the rightful browser must start again.
    assert.equal((await browser.go(callback)).headers.get('location'), '/#oidc_error=invalid_state');
  });

  it('refuses an unknown person, an unverified email and a provider error', async () => {
    assert.equal(await browserError(agora, 'stranger-sub'), 'unknown_account');
    assert.equal(await browserError(agora, 'unverified-sub'), 'unknown_account');
    const browser = new Browser();
    const start = await browser.go(`${agora.url}/api/v1/auth/oidc/start`);
    const state = new URL(start.headers.get('location')).searchParams.get('state');
    const denied = await browser.go(`${agora.url}/api/v1/auth/oidc/callback?error=access_denied&state=${state}`);
    assert.equal(denied.headers.get('location'), '/#oidc_error=idp_error');
  });

  it('refuses a deactivated account', async () => {
    const leaver = await agora.createUser('leaver', 'leaver@example.com');
    assert.equal((await signIn(agora, 'leaver-sub')).login.status, 200);
    const deactivated = await agora.json('POST', `/api/v1/users/${leaver.id}/deactivate`, { token: agora.adminToken });
    assert.equal(deactivated.status, 200);
    assert.equal(await browserError(agora, 'leaver-sub'), 'account_inactive');
  });

  it('refuses a login code whose account was deactivated before it was redeemed', async () => {
    const late = await agora.createUser('late', 'late@example.com');
    const browser = new Browser();
    const callback = await browser.signInAtProvider(agora, 'late-sub');
    const code = /#oidc_login=([\w-]+)$/.exec((await browser.go(callback)).headers.get('location'))[1];
    const deactivated = await agora.json('POST', `/api/v1/users/${late.id}/deactivate`, { token: agora.adminToken });
    assert.equal(deactivated.status, 200);
    const exchanged = await agora.json('POST', '/api/v1/auth/oidc/exchange', { body: { login_code: code } });
    assert.equal(exchanged.status, 401);
    assert.equal(exchanged.body.error.code, 'account_inactive');
  });
});

describe('ID tokens that fail a rule', () => {
  let provider;
  let agora;

  before(async () => {
    const port = await freePort();
    provider = await startProvider({ redirectUris: [`http://127.0.0.1:${port}/api/v1/auth/oidc/callback`] });
    agora = await Agora.start({ binary, port, issuer: provider.issuer });
    await agora.createUser('ana', 'ana@example.com');
  });
  after(async () => {
    await agora?.stop();
    await provider?.close();
  });

  for (const [mode, code] of [['wrong_audience', 'wrong_audience'], ['expired', 'token_expired'], ['bad_signature', 'bad_signature']]) {
    it(`refuses an ID token re-signed by the provider's key with ${mode}`, async () => {
      provider.tamper.mode = mode;
      try {
        assert.equal(await browserError(agora, 'ana-sub'), code);
      } finally {
        provider.tamper.mode = null;
      }
      assert.equal((await signIn(agora, 'ana-sub')).login.status, 200);
    });
  }

  it('follows a key rotation: the new kid makes it refetch the JWKS', async () => {
    assert.equal((await signIn(agora, 'ana-sub')).login.status, 200);
    await provider.rotateKey('key-2');
    const { login } = await signIn(agora, 'ana-sub');
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.match(agora.log, /event=oidc_jwks_fetched keys=1/);
  });

  it('lets exactly one of two racing callbacks with the same state through', async () => {
    for (let round = 0; round < 5; round++) {
      const browser = new Browser();
      const callback = await browser.signInAtProvider(agora, 'ana-sub');
      const answers = await Promise.all([browser.go(callback), browser.go(callback)]);
      const signedIn = answers.filter((a) => /#oidc_login=/.test(a.headers.get('location')));
      assert.equal(signedIn.length, 1, answers.map((a) => a.headers.get('location')).join(' '));
    }
  });

  it('lets exactly one of two racing exchanges of a login code through', async () => {
    for (let round = 0; round < 5; round++) {
      const browser = new Browser();
      const callback = await browser.signInAtProvider(agora, 'ana-sub');
      const code = /#oidc_login=([\w-]+)$/.exec((await browser.go(callback)).headers.get('location'))[1];
      const answers = await Promise.all([1, 2].map(() => agora.json('POST', '/api/v1/auth/oidc/exchange', { body: { login_code: code } })));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 401]);
    }
  });
});

describe('--no-password-login', () => {
  let provider;
  let agora;

  before(async () => {
    const port = await freePort();
    provider = await startProvider({ redirectUris: [`http://127.0.0.1:${port}/api/v1/auth/oidc/callback`] });
    agora = await Agora.start({
      binary, port, issuer: provider.issuer, extraArgs: ['--no-password-login'],
      people: [{ username: 'ana', email: 'ana@example.com' }],
    });
  });
  after(async () => {
    await agora?.stop();
    await provider?.close();
  });

  it('answers 403 password_login_disabled to a password login and says so in the methods', async () => {
    const login = await agora.json('POST', '/api/v1/auth/login', { body: { username: 'ana', password: 'admin-password-1' } });
    assert.equal(login.status, 403);
    assert.equal(login.body.error.code, 'password_login_disabled');
    const methods = await agora.json('GET', '/api/v1/auth/methods');
    assert.deepEqual(methods.body, { password: false, oidc: { name: 'Example SSO', start_url: '/api/v1/auth/oidc/start' } });
  });

  it('still signs people in through the provider', async () => {
    const { login } = await signIn(agora, 'ana-sub');
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.user.username, 'ana');
  });
});

describe('--oidc-create-accounts', () => {
  let provider;
  let agora;

  before(async () => {
    const port = await freePort();
    provider = await startProvider({ redirectUris: [`http://127.0.0.1:${port}/api/v1/auth/oidc/callback`] });
    agora = await Agora.start({ binary, port, issuer: provider.issuer, extraArgs: ['--oidc-create-accounts'] });
  });
  after(async () => {
    await agora?.stop();
    await provider?.close();
  });

  it('makes an account from the claims of a verified person it does not know, once', async () => {
    const first = await signIn(agora, 'newcomer-sub');
    assert.equal(first.login.status, 200, JSON.stringify(first.login.body));
    const made = first.login.body.user;
    assert.equal(made.username, 'nia.newcomer');
    assert.equal(made.display_name, 'Nia Newcomer');
    const again = await signIn(agora, 'newcomer-sub');
    assert.equal(again.login.body.user.id, made.id);
    const profile = await agora.json('GET', `/api/v1/users/${made.id}`, { token: agora.adminToken });
    assert.equal(profile.body.email, 'Nia.Newcomer@example.com');
    const listed = await agora.json('GET', '/api/v1/users?limit=100', { token: agora.adminToken });
    assert.equal(listed.body.items.filter((u) => u.display_name === 'Nia Newcomer').length, 1);
  });

  it('makes the derived username unique', async () => {
    const { login } = await signIn(agora, 'homonym-sub');
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.user.username, 'nia.newcomer-2');
    assert.equal(login.body.user.display_name, 'Another Nia');
  });

  it('still refuses a person whose email the provider has not verified', async () => {
    assert.equal(await browserError(agora, 'unverified-sub'), 'unknown_account');
    const listed = await agora.json('GET', '/api/v1/users?email=bob%40example.com', { token: agora.adminToken });
    assert.equal(listed.body.items.length, 0);
  });
});
