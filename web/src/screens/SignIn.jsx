import { useEffect, useState } from 'preact/hooks';
import { authMethods, exchangeLoginCode, login, setToken } from '../api.js';
import { currentLang, setLang, t } from '../i18n.js';

function ssoReason(code) {
  if (code === 'unknown_account') return t('ssoUnknownAccount');
  if (code === 'account_inactive') return t('ssoInactive');
  if (code === 'invalid_state' || code === 'invalid_login_code') return t('ssoExpired');
  return t('ssoOther', { code });
}

// What the OpenID Connect callback left in the fragment (#oidc_login=CODE or #oidc_error=CODE),
// removed from the address bar at once so the code never lingers in history.
function takeSignInFragment() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const result = { code: fragment.get('oidc_login'), error: fragment.get('oidc_error') };
  if (result.code || result.error) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return result;
}

export function SignIn() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [methods, setMethods] = useState(null);
  const other = currentLang() === 'fr' ? 'en' : 'fr';

  useEffect(() => {
    authMethods()
      .then(setMethods)
      .catch(() => setMethods({ password: true }));
    const { code, error: ssoError } = takeSignInFragment();
    if (ssoError) setError(t('ssoFailed', { reason: ssoReason(ssoError) }));
    if (code) {
      setBusy(true);
      exchangeLoginCode(code)
        .then((answer) => setToken(answer.token))
        .catch((e) => {
          setError(t('ssoFailed', { reason: ssoReason(e.code) }));
          setBusy(false);
        });
    }
  }, []);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const answer = await login(username.trim(), password);
      setToken(answer.token);
    } catch (e) {
      setError(e.status === 401 || e.status === 400 ? t('signInFailed') : t('error', { message: e.message }));
      setBusy(false);
    }
  }

  return (
    <main id="main" class="signin">
      <h1>{t('signInTitle')}</h1>
      {busy && !password && <p role="status">{t('ssoSigningIn')}</p>}
      {methods?.oidc && (
        <p>
          <a
            class="button primary"
            href={`${methods.oidc.start_url}?return_to=${encodeURIComponent(window.location.pathname)}`}
          >
            {t('signInWith', { name: methods.oidc.name })}
          </a>
        </p>
      )}
      {error && !methods?.password && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {methods?.password && methods.oidc && <p>{t('signInOr')}</p>}
      {methods?.password && (
      <form onSubmit={submit} class="card stack">
        <label for="signin-username">{t('username')}</label>
        <input
          id="signin-username"
          name="username"
          autocomplete="username"
          autocapitalize="none"
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
        <label for="signin-password">{t('password')}</label>
        <input
          id="signin-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('signIn')}
        </button>
      </form>
      )}
      <p>
        <button type="button" class="link-button" lang={other} onClick={() => setLang(other)}>
          {t('switchLanguage')}
        </button>
      </p>
    </main>
  );
}
