// Admins: every account, filtered by status, department and email, with the lifecycle actions
// (deactivate, reactivate, roles, a password reset token shown once).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText, useId } from '../components.jsx';
import { t } from '../i18n.js';
import { ShownOnce } from './Settings.jsx';

// The role choices a select offers, as the roles array PUT /users/{id}/roles takes.
const ROLE_CHOICES = ['member', 'member,sales_ops', 'admin', 'admin,sales_ops'];

function roleLabel(choice) {
  return choice
    .split(',')
    .map((r) => t(`role_${r}`))
    .join(' + ');
}

function PersonRow({ person, me, onChange }) {
  const [error, setError] = useState(null);
  const [reset, setReset] = useState(null);
  const roles = (person.roles || []).join(',');
  const id = useId('person');
  async function act(run) {
    setError(null);
    try {
      const updated = await run();
      if (updated) onChange(updated);
    } catch (e) {
      setError(e);
    }
  }
  const name = person.display_name;
  return (
    <tr>
      <th scope="row">
        <a href={`/people/@${person.username}`}>{name}</a>
        <div class="muted">@{person.username}</div>
      </th>
      <td>{person.email}</td>
      <td>{person.department}</td>
      <td>
        <label class="visually-hidden" for={`${id}-roles`}>
          {t('rolesOf', { name })}
        </label>
        <select
          id={`${id}-roles`}
          value={roles}
          disabled={person.id === me?.id}
          onChange={(e) => {
            const value = e.currentTarget.value;
            act(() => api(`/api/v1/users/${person.id}/roles`, { method: 'PUT', body: { roles: value.split(',') } }));
          }}
        >
          {ROLE_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {roleLabel(choice)}
            </option>
          ))}
        </select>
      </td>
      <td>{person.active ? t('statusActive') : t('statusDeactivated')}</td>
      <td>
        <div class="stack">
          {person.active ? (
            person.id !== me?.id && (
              <button
                type="button"
                aria-label={t('deactivatePerson', { name })}
                onClick={() => act(() => api(`/api/v1/users/${person.id}/deactivate`, { method: 'POST' }))}
              >
                {t('deactivate')}
              </button>
            )
          ) : (
            <button
              type="button"
              aria-label={t('reactivatePerson', { name })}
              onClick={() => act(() => api(`/api/v1/users/${person.id}/reactivate`, { method: 'POST' }))}
            >
              {t('reactivate')}
            </button>
          )}
          {person.active && (
            <button
              type="button"
              aria-label={t('resetPasswordOf', { name })}
              onClick={() =>
                act(async () => {
                  setReset(await api(`/api/v1/users/${person.id}/password_reset`, { method: 'POST' }));
                  return null;
                })
              }
            >
              {t('resetPassword')}
            </button>
          )}
          {reset && <ShownOnce label={t('resetTokenFor', { name })} value={reset.reset_token} />}
          <ErrorText error={error} />
        </div>
      </td>
    </tr>
  );
}

export function AdminPeople({ me }) {
  const [active, setActive] = useState('');
  const [department, setDepartment] = useState('');
  const [email, setEmail] = useState('');
  const [filter, setFilter] = useState({});
  const [items, setItems] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState(null);
  const id = useId('people');
  async function load(more) {
    setError(null);
    try {
      const page = await api('/api/v1/users', { query: { ...filter, limit: 50, cursor: more ? cursor : undefined } });
      setItems((old) => (more ? [...(old || []), ...page.items] : page.items));
      setCursor(page.next_cursor || null);
    } catch (e) {
      setError(e.status === 403 ? t('adminsOnly') : e);
    }
  }
  useEffect(() => {
    load(false);
  }, [filter]);
  function submit(event) {
    event.preventDefault();
    setFilter({ active, department, email });
  }
  function replace(updated) {
    setItems((old) => old.map((p) => (p.id === updated.id ? updated : p)));
  }
  return (
    <div class="page stack">
      <h1>{t('adminPeople')}</h1>
      <form class="inline-form" onSubmit={submit} aria-label={t('filterPeople')}>
        <label for={`${id}-active`}>{t('status')}</label>
        <select id={`${id}-active`} value={active} onChange={(e) => setActive(e.currentTarget.value)}>
          <option value="">{t('statusAll')}</option>
          <option value="true">{t('statusActive')}</option>
          <option value="false">{t('statusDeactivated')}</option>
        </select>
        <label for={`${id}-department`}>{t('department')}</label>
        <input id={`${id}-department`} value={department} onInput={(e) => setDepartment(e.currentTarget.value)} />
        <label for={`${id}-email`}>{t('email')}</label>
        <input id={`${id}-email`} type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <button type="submit">{t('filter')}</button>
      </form>
      <ErrorText error={error} />
      {items && items.length === 0 && <p>{t('empty')}</p>}
      {items && items.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">{t('adminPeople')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('email')}</th>
              <th scope="col">{t('department')}</th>
              <th scope="col">{t('roles')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((person) => (
              <PersonRow key={person.id} person={person} me={me} onChange={replace} />
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => load(true)}>
          {t('loadMore')}
        </button>
      )}
    </div>
  );
}
