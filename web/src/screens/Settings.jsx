// The signed-in person's settings: their password, and personal access tokens for bots and
// integrations (a new token's secret is shown once, right after it is made).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText, useId } from '../components.jsx';
import { formatDate, t } from '../i18n.js';

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState(null);
  const id = useId('password');
  async function submit(event) {
    event.preventDefault();
    setError(null);
    setDone(false);
    try {
      await api('/api/v1/me/password', { method: 'POST', body: { current_password: current, new_password: next } });
      setCurrent('');
      setNext('');
      setDone(true);
    } catch (e) {
      setError(e.code === 'wrong_password' ? t('wrongCurrentPassword') : e);
    }
  }
  return (
    <section class="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('changePassword')}</h2>
      <form class="stack" onSubmit={submit}>
        <label for={`${id}-current`}>{t('currentPassword')}</label>
        <input
          id={`${id}-current`}
          type="password"
          autocomplete="current-password"
          required
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
        <label for={`${id}-new`}>{t('newPassword')}</label>
        <input
          id={`${id}-new`}
          type="password"
          autocomplete="new-password"
          required
          minLength={8}
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
        />
        <button type="submit" class="primary">
          {t('changePassword')}
        </button>
      </form>
      <p role="status">{done ? t('passwordChanged') : ''}</p>
      <ErrorText error={error} />
    </section>
  );
}

function scopesText(scopes) {
  return scopes.map((s) => t(`scope_${s}`)).join(', ');
}

function NewToken({ onCreated }) {
  const [name, setName] = useState('');
  const [write, setWrite] = useState(false);
  const [expires, setExpires] = useState('');
  const [error, setError] = useState(null);
  const id = useId('token');
  async function submit(event) {
    event.preventDefault();
    setError(null);
    try {
      const created = await api('/api/v1/me/tokens', {
        method: 'POST',
        body: { name, scopes: write ? ['read', 'write'] : ['read'], ...(expires ? { expires_at: expires } : {}) },
      });
      setName('');
      onCreated(created);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <form class="stack" onSubmit={submit} aria-label={t('createToken')}>
      <label for={`${id}-name`}>{t('tokenName')}</label>
      <input id={`${id}-name`} required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <fieldset>
        <legend>{t('tokenScopes')}</legend>
        <label>
          <input type="checkbox" checked disabled /> {t('scope_read')}
        </label>
        <label>
          <input type="checkbox" checked={write} onChange={(e) => setWrite(e.currentTarget.checked)} /> {t('scope_write')}
        </label>
      </fieldset>
      <label for={`${id}-expires`}>{t('tokenExpires')}</label>
      <input id={`${id}-expires`} type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
      <button type="submit" class="primary">
        {t('createToken')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}

// A secret shown once, selectable for copying.
export function ShownOnce({ label, value }) {
  const id = useId('secret');
  return (
    <div class="card stack" role="status">
      <label for={id}>{label}</label>
      <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
      <p class="muted">{t('copyNow')}</p>
    </div>
  );
}

function AccessTokens() {
  const [items, setItems] = useState(null);
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  const id = useId('tokens');
  useEffect(() => {
    api('/api/v1/me/tokens', { query: { limit: 100 } })
      .then((page) => setItems(page.items || []))
      .catch(setError);
  }, [tick]);
  async function revoke(token) {
    setError(null);
    try {
      await api(`/api/v1/me/tokens/${token.id}`, { method: 'DELETE' });
      if (created && created.id === token.id) setCreated(null);
      setTick((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section class="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('accessTokens')}</h2>
      <p class="muted">{t('accessTokensHint')}</p>
      <NewToken
        onCreated={(token) => {
          setCreated(token);
          setTick((n) => n + 1);
        }}
      />
      {created && <ShownOnce label={t('newTokenValue', { name: created.name })} value={created.token} />}
      <ErrorText error={error} />
      {items && items.length === 0 && <p>{t('noTokens')}</p>}
      {items && items.length > 0 && (
        <ul class="stack" aria-label={t('accessTokens')}>
          {items.map((token) => (
            <li key={token.id} class="row">
              <span>
                <strong>{token.name}</strong> · {scopesText(token.scopes)} ·{' '}
                {token.expires_at ? t('expiresOn', { date: formatDate(token.expires_at) }) : t('neverExpires')} ·{' '}
                {token.last_used_at ? t('lastUsed', { date: formatDate(token.last_used_at) }) : t('neverUsed')}
              </span>
              <button type="button" onClick={() => revoke(token)} aria-label={t('revokeToken', { name: token.name })}>
                {t('revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Settings() {
  return (
    <div class="page stack">
      <h1>{t('settings')}</h1>
      <ChangePassword />
      <AccessTokens />
    </div>
  );
}
