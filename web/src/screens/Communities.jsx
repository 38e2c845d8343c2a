import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText, useId } from '../components.jsx';
import { formatNumber, t } from '../i18n.js';
import { navigate } from '../router.js';

// Join (open), request (private) or accept an invitation; answers the new membership.
export async function joinCommunity(community) {
  if (community.membership && community.membership.state === 'invited') {
    return api(`/api/v1/communities/${community.id}/invitations/accept`, { method: 'POST' });
  }
  return api(`/api/v1/communities/${community.id}/join`, { method: 'POST' });
}

export function MembershipButton({ community, onChange }) {
  const [error, setError] = useState(null);
  const m = community.membership;
  async function act(leave) {
    setError(null);
    try {
      if (leave) await api(`/api/v1/communities/${community.id}/leave`, { method: 'POST' });
      else await joinCommunity(community);
      onChange();
    } catch (e) {
      setError(e);
    }
  }
  let button;
  if (m && m.state === 'member') {
    button = m.role === 'owner' ? null : (
      <button type="button" onClick={() => act(true)} aria-label={`${t('leave')} ${community.name}`}>
        {t('leave')}
      </button>
    );
  } else if (m && m.state === 'pending') {
    button = <span class="tag">{t('requested')}</span>;
  } else if (m && m.state === 'invited') {
    button = (
      <button type="button" class="primary" onClick={() => act(false)}>
        {t('acceptInvitation')}
      </button>
    );
  } else if (m && m.state === 'banned') {
    button = null;
  } else {
    const label = community.visibility === 'open' ? t('join') : t('requestToJoin');
    button = (
      <button type="button" class="primary" onClick={() => act(false)} aria-label={`${label}: ${community.name}`}>
        {label}
      </button>
    );
  }
  return (
    <>
      {button}
      <ErrorText error={error} />
    </>
  );
}

function CreateCommunity({ onCreated }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState('open');
  const [error, setError] = useState(null);
  const id = useId('create');
  async function submit(event) {
    event.preventDefault();
    try {
      const c = await api('/api/v1/communities', { method: 'POST', body: { name, description, visibility } });
      onCreated(c);
    } catch (e) {
      setError(e);
    }
  }
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-expanded="false">
        {t('createCommunity')}
      </button>
    );
  }
  return (
    <form class="card stack" onSubmit={submit} aria-label={t('createCommunity')}>
      <label for={`${id}-name`}>{t('name')}</label>
      <input id={`${id}-name`} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for={`${id}-description`}>{t('description')}</label>
      <textarea id={`${id}-description`} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      <label for={`${id}-visibility`}>{t('visibility')}</label>
      <select id={`${id}-visibility`} value={visibility} onChange={(e) => setVisibility(e.currentTarget.value)}>
        {['open', 'private', 'secret'].map((v) => (
          <option key={v} value={v}>
            {t(`visibility_${v}`)}
          </option>
        ))}
      </select>
      <button type="submit" class="primary">
        {t('create')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}

export function Communities({ query, me }) {
  const [q, setQ] = useState(query.get('q') || '');
  const [submitted, setSubmitted] = useState(query.get('q') || '');
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api('/api/v1/communities', { query: { q: submitted, limit: 100 } })
      .then((page) => setItems(page.items || []))
      .catch(setError);
  }, [submitted, tick]);
  return (
    <div class="page">
      <h1>{t('communities')}</h1>
      <form
        role="search"
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(q);
        }}
      >
        <label for="community-q" class="visually-hidden">
          {t('searchCommunities')}
        </label>
        <input id="community-q" type="search" placeholder={t('searchCommunities')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">{t('searchButton')}</button>
      </form>
      <div class="row">
        {me && !me.guest && <CreateCommunity onCreated={(c) => navigate(`/communities/${c.id}`)} />}
        {me && (me.roles || []).includes('admin') && <a href="/reports">{t('companyReports')}</a>}
        {me && (me.roles || []).includes('admin') && <a href="/admin/guests">{t('inviteGuest')}</a>}
      </div>
      <ErrorText error={error} />
      {items === null && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && <p class="muted">{t('empty')}</p>}
      {items && (
        <ul class="cards">
          {items.map((c) => (
            <li key={c.id} class="card community-card">
              <h2>
                <a href={`/communities/${c.id}`}>{c.name}</a>
              </h2>
              <p class="muted">
                <span class={`tag vis-${c.visibility}`}>{t(`visibility_${c.visibility}`)}</span> ·{' '}
                {t('members', { count: formatNumber(c.members_count) })}
              </p>
              {c.description && <p>{c.description}</p>}
              <MembershipButton community={c} onChange={() => setTick((n) => n + 1)} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
