// What the OpenID Connect tests share: a real `agora serve` wired to the test provider, and a
// minimal browser (cookies per host, redirects followed by hand) that signs in through the
// provider's own login page.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { CLIENT_ID, CLIENT_SECRET } from './provider.mjs';

export const ADMIN_PASSWORD = 'admin-password-1';

// A port nobody listens on now: the provider must know Agora's callback URL before Agora runs.
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class Agora {
  // Provisions an admin and `people` ({ username, email }) with `agora user add`, then runs
  // `agora serve` on `port` with the provider as issuer; logs the admin in when passwords work.
  static async start({ binary, port, issuer, extraArgs = [], people = [] }) {
    const agora = new Agora();
    agora.root = fs.mkdtempSync(path.join(os.tmpdir(), 'agora-oidc-'));
    const data = path.join(agora.root, 'data');
    for (const { username, email, admin } of [{ username: 'admin', email: 'admin@example.com', admin: true }, ...people]) {
      const add = spawnSync(binary, ['user', 'add', '--data', data, '--username', username, '--display-name', username,
        '--email', email, ...(admin ? ['--admin'] : []), '--password-cost', 'minimum'], { input: `${ADMIN_PASSWORD}\n`, encoding: 'utf8' });
      assert.equal(add.status, 0, add.stderr);
    }
    const secretFile = path.join(agora.root, 'client-secret');
    fs.writeFileSync(secretFile, `${CLIENT_SECRET}\n`, { mode: 0o600 });
    agora.log = '';
    agora.process = spawn(binary, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--password-cost', 'minimum',
      '--oidc-issuer', issuer, '--oidc-client-id', CLIENT_ID, '--oidc-client-secret-file', secretFile,
      '--oidc-name', 'Example SSO', '--oidc-jwks-refetch-s', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    agora.process.stderr.on('data', (chunk) => { agora.log += chunk; });
    const lines = readline.createInterface({ input: agora.process.stdout });
    agora.url = await new Promise((resolve, reject) => {
      agora.process.once('exit', (code) => reject(new Error(`agora serve exited with ${code}: ${agora.log}`)));
      lines.on('line', (line) => {
        const m = /^listening on (\S+)$/.exec(line);
        if (m) resolve(`http://${m[1]}`);
      });
    });
    const login = await agora.json('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    agora.adminToken = login.body?.token;
    return agora;
  }

  async request(method, target, { body, token, headers = {} } = {}) {
    const init = { method, headers: { ...headers }, redirect: 'manual' };
    if (token) init.headers.authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(new URL(target, this.url), init);
  }

  async json(method, target, options) {
    const response = await this.request(method, target, options);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  async createUser(username, email) {
    const created = await this.json('POST', '/api/v1/users', {
      token: this.adminToken,
      body: { username, email, display_name: username, password: 'correct-horse-1' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  async stop() {
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

// Cookies by host:port (enough here: Agora and the provider use different names), redirects
// followed by hand so each hop can be checked.
export class Browser {
  cookies = new Map();

  async go(url, { method = 'GET', form, headers = {} } = {}) {
    const target = new URL(url);
    const jar = this.cookies.get(target.host) ?? new Map();
    const init = { method, redirect: 'manual', headers: { accept: 'text/html', ...headers } };
    if (jar.size) init.headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) {
      init.headers['content-type'] = 'application/x-www-form-urlencoded';
      init.body = new URLSearchParams(form).toString();
    }
    const response = await fetch(target, init);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name); else jar.set(name, value);
    }
    this.cookies.set(target.host, jar);
    return response;
  }

  // GET /start on Agora, then the provider's login page as `login`; stops at the redirect back
  // to Agora and returns that callback URL (not yet visited).
  async signInAtProvider(agora, login, { returnTo } = {}) {
    const start = await this.go(`${agora.url}/api/v1/auth/oidc/start${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`);
    assert.equal(start.status, 302, await start.text());
    let url = start.headers.get('location');
    for (let hops = 0; hops < 10; hops++) {
      if (url.startsWith(agora.url)) return url;
      const response = await this.go(url);
      if (response.status === 200) {
        const page = await response.text();
        const action = /action="([^"]+)"/.exec(page);
        assert.ok(action, `expected the provider's login form, got: ${page}`);
        const submitted = await this.go(new URL(action[1], url).href, { method: 'POST', form: { prompt: 'login', login, password: 'any' } });
        assert.ok([302, 303].includes(submitted.status), `login form answered ${submitted.status}`);
        url = new URL(submitted.headers.get('location'), url).href;
        continue;
      }
      assert.ok([302, 303].includes(response.status), `${url} answered ${response.status}: ${await response.text()}`);
      url = new URL(response.headers.get('location'), url).href;
    }
    assert.fail('the provider never redirected back to Agora');
  }
}
