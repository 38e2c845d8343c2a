// The HTTP API (docs/openapi.yaml) with the bearer token kept in localStorage, so that a session
// survives a reload. No cookie: the API stays as it is, and the strict Content-Security-Policy
// (no inline or foreign script) is what keeps the token from injected code.
const TOKEN_KEY = 'agora.token';

let token = localStorage.getItem(TOKEN_KEY) || '';
const listeners = new Set();

export function getToken() {
  return token;
}

export function setToken(value) {
  token = value || '';
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
  for (const listener of listeners) listener(token);
}

export function onTokenChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

// `path` starts with /api/v1; `body` is sent as JSON, or `text` as `contentType` (a CSV upload).
// Answers the parsed JSON (null for 204).
export async function api(path, { method = 'GET', body, query, text, contentType } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      params.append(key, String(value));
    }
    const text = params.toString();
    if (text) url += (url.includes('?') ? '&' : '?') + text;
  }
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (text !== undefined) headers['Content-Type'] = contentType;
  const response = await fetch(url, {
    method,
    headers,
    body: text !== undefined ? text : body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : {};
    if (response.status === 401 && token && !path.startsWith('/api/v1/auth/')) setToken('');
    throw new ApiError(response.status, error.code, error.message);
  }
  return data;
}

export const login = (username, password) =>
  api('/api/v1/auth/login', { method: 'POST', body: { username, password } });

// Which sign-in methods the server offers: { password, oidc?: { name, start_url } }.
export const authMethods = () => api('/api/v1/auth/methods');

// Trades the one-time code the OpenID Connect callback put in the URL fragment for a session.
export const exchangeLoginCode = (loginCode) =>
  api('/api/v1/auth/oidc/exchange', { method: 'POST', body: { login_code: loginCode } });

export async function logout() {
  try {
    await api('/api/v1/auth/logout', { method: 'POST' });
  } finally {
    setToken('');
  }
}

// "@name" for user references in paths.
export const userRef = (username) => `@${username}`;
