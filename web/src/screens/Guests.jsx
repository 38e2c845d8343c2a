import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText, useId } from '../components.jsx';
import { formatDate, t } from '../i18n.js';

// Admins: invite a guest, an account that ends on a set day and sees only the communities
// named here (POST /api/v1/users with guest_until and guest_communities).
export function Guests({ me }) {
  const admin = me && (me.roles || []).includes('admin');
  const [communities, setCommunities] = useState(null);
  const [form, setForm] = useState({ username: '', display_name: '', email: '', password: '', until: '' });
  const [chosen, setChosen] = useState([]);
  const [error, setError] = useState(null);
  const [invited, setInvited] = useState(null);
  const id = useId('guest');
  useEffect(() => {
    if (!admin) return;
    api('/api/v1/communities', { query: { limit: 100 } })
      .then((page) => setCommunities(page.items || []))
      .catch(setError);
  }, [admin]);
  if (!admin) {
    return (
      <section>
        <h1>{t('notFound')}</h1>
      </section>
    );
  }
  const field = (name) => ({
    id: `${id}-${name}`,
    value: form[name],
    onInput: (e) => setForm({ ...form, [name]: e.currentTarget.value }),
  });
  async function submit(event) {
    event.preventDefault();
    setError(null);
    setInvited(null);
    try {
      const user = await api('/api/v1/users', {
        method: 'POST',
        body: {
          username: form.username,
          display_name: form.display_name,
          email: form.email,
          password: form.password,
          // The end of the chosen day, in UTC.
          guest_until: form.until ? `${form.until}T23:59:59Z` : '',
          guest_communities: chosen,
        },
      });
      setInvited(user);
      setForm({ username: '', display_name: '', email: '', password: '', until: '' });
      setChosen([]);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <div class="page">
      <h1>{t('inviteGuest')}</h1>
      <p class="muted">{t('guestIntro')}</p>
      <form class="card stack" onSubmit={submit} aria-label={t('inviteGuest')}>
        <label for={`${id}-username`}>{t('username')}</label>
        <input required autocomplete="off" {...field('username')} />
        <label for={`${id}-display_name`}>{t('displayName')}</label>
        <input required {...field('display_name')} />
        <label for={`${id}-email`}>{t('email')}</label>
        <input required type="email" {...field('email')} />
        <label for={`${id}-password`}>{t('password')}</label>
        <input required type="password" autocomplete="new-password" minLength={8} {...field('password')} />
        <label for={`${id}-until`}>{t('guestUntilLabel')}</label>
        <input required type="date" {...field('until')} />
        <fieldset>
          <legend>{t('guestCommunities')}</legend>
          {communities === null && <p class="muted">{t('loading')}</p>}
          {(communities || []).map((c) => (
            <label key={c.id} class="check">
              <input
                type="checkbox"
                checked={chosen.includes(c.id)}
                onChange={(e) =>
                  setChosen(e.currentTarget.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))
                }
              />{' '}
              {c.name}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary">
          {t('inviteGuest')}
        </button>
        <ErrorText error={error} />
        {invited && (
          <p role="status">
            {t('guestInvited', { name: invited.display_name, date: formatDate(invited.guest_until) })}
          </p>
        )}
      </form>
    </div>
  );
}
