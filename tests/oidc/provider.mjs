// A real OpenID provider (npm's oidc-provider) on loopback, for Agora's sign-in tests.
//
// startProvider({ redirectUris, accounts }) returns { issuer, close(), rotateKey(), tamper };
// tests/oidc/sign_in.test.mjs and the browser test (web/tests/e2e.mjs) use it.
//
// Clients: "agora" (secret "agora-secret", client_secret_basic) and "other" (a second client,
// for the wrong-audience test). Accounts (any password): see ACCOUNTS below. Sign-in uses the
// provider's own development login page; consent is granted automatically for these clients.
// `tamper.mode` rewrites the next ID tokens the token endpoint returns, re-signed with the
// provider's real key: "wrong_audience", "expired", or "bad_signature" (one byte flipped).
import { once } from 'node:events';
import Provider from 'oidc-provider';
import * as jose from 'jose';

export const CLIENT_ID = 'agora';
export const CLIENT_SECRET = 'agora-secret';

// accountId (the `sub`) -> claims. Emails are verified unless said otherwise.
export const ACCOUNTS = {
  'ana-sub': { email: 'ana@example.com', name: 'Ana Lopez' },
  'leaver-sub': { email: 'leaver@example.com', name: 'Lee Ver' },
  'late-sub': { email: 'late@example.com', name: 'Late Comer' },
  'stranger-sub': { email: 'stranger@example.com', name: 'A Stranger' },
  'unverified-sub': { email: 'bob@example.com', name: 'Bob', email_verified: false },
  'imposter-sub': { email: 'ana@example.com', name: 'Not Ana' },
  'newcomer-sub': { email: 'Nia.Newcomer@example.com', name: 'Nia Newcomer' },
  'homonym-sub': { email: 'nia.newcomer@other.example', name: 'Another Nia' },
};

async function signingKey(kid) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

async function tamperIdToken(idToken, mode, key) {
  if (mode === 'bad_signature') {
    const [header, payload, signature] = idToken.split('.');
    const flipped = (signature[5] === 'A' ? 'B' : 'A');
    return `${header}.${payload}.${signature.slice(0, 5)}${flipped}${signature.slice(6)}`;
  }
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'wrong_audience') claims.aud = 'other';
  if (mode === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .sign(await jose.importJWK(key, 'RS256'));
}

function configuration(redirectUris, key, tamper, accounts) {
  const client = (id, secret) => ({
    client_id: id,
    client_secret: secret,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  return {
    clients: [client(CLIENT_ID, CLIENT_SECRET), client('other', 'other-secret')],
    jwks: { keys: [key] },
    cookies: { keys: ['agora-tests-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Put the scope's claims in the ID token itself, as Okta and Entra ID do.
    conformIdTokenClaims: false,
    pkce: { methods: ['S256'], required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email_verified: true, ...account };
        },
      };
    },
    // Consent for our own clients is the company's decision, not the employee's.
    async loadExistingGrant(ctx) {
      const { Grant } = ctx.oidc.provider;
      const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (existing) return Grant.find(existing);
      const grant = new Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><title>error</title><p id="error">${out.error}: ${out.error_description}</p>`;
    },
    tamper,
  };
}

// `accounts` adds people (accountId -> claims) to ACCOUNTS.
export async function startProvider({ redirectUris, port = 0, accounts = {} }) {
  const tamper = { mode: null };
  let key = await signingKey('key-1');
  let server;
  let issuer;

  async function listen(listenPort) {
    const provider = new Provider(issuer ?? 'http://127.0.0.1:0', configuration(redirectUris, key, tamper, { ...ACCOUNTS, ...accounts }));
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.path === '/token' && tamper.mode && ctx.body?.id_token) {
        ctx.body = { ...ctx.body, id_token: await tamperIdToken(ctx.body.id_token, tamper.mode, key) };
      }
    });
    server = provider.listen(listenPort, '127.0.0.1');
    await once(server, 'listening');
    return provider;
  }

  // The issuer must name the port, which is known once listening: listen, then start again.
  await listen(port);
  const chosen = server.address().port;
  issuer = `http://127.0.0.1:${chosen}`;
  server.close();
  await once(server, 'close');
  await listen(chosen);

  return {
    issuer,
    tamper,
    // A new signing key under a new kid, as an issuer rotating its keys (sessions are lost).
    async rotateKey(kid) {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      key = await signingKey(kid);
      await listen(chosen);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
