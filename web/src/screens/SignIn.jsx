import { useState } from 'preact/hooks';
import { login, setToken } from '../api.js';
import { currentLang, setLang, t } from '../i18n.js';

export function SignIn() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const other = currentLang() === 'fr' ? 'en' : 'fr';

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
      <p>
        <button type="button" class="link-button" lang={other} onClick={() => setLang(other)}>
          {t('switchLanguage')}
        </button>
      </p>
    </main>
  );
}
