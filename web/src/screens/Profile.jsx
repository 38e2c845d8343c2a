import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText, Stream } from '../components.jsx';
import { formatNumber, t } from '../i18n.js';
import { meStore, useStore } from '../store.js';

function PersonBox({ user, current }) {
  if (!user) return null;
  return (
    <a href={`/people/@${user.username}`} class={`org-box${current ? ' current' : ''}`} aria-current={current ? 'page' : undefined}>
      <strong>{user.display_name}</strong>
      {user.title && <span>{user.title}</span>}
    </a>
  );
}

// The org chart around one person, drawn as boxes and lines: the manager above, the person,
// their direct reports below. Every box is a link, so the chart is walked up and down.
function OrgChart({ user, manager, reports }) {
  return (
    <figure class="org-chart" aria-label={t('orgChart')}>
      <figcaption>{t('orgChart')}</figcaption>
      <div class="org-level">
        {manager ? <PersonBox user={manager} /> : <p class="muted">{t('noManager')}</p>}
      </div>
      <div class="org-line" aria-hidden="true" />
      <div class="org-level">
        <PersonBox user={user} current />
      </div>
      {reports.length > 0 && <div class="org-line" aria-hidden="true" />}
      {reports.length > 0 ? (
        <ul class="org-level org-reports" aria-label={t('directReports')}>
          {reports.map((r) => (
            <li key={r.id}>
              <PersonBox user={r} />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('noReports')}</p>
      )}
    </figure>
  );
}

async function isFollowing(me, userId) {
  let cursor;
  for (let page = 0; page < 10; page++) {
    const answer = await api(`/api/v1/users/${me.id}/following`, { query: { limit: 100, cursor } });
    if ((answer.items || []).some((u) => u.id === userId)) return true;
    if (!answer.next_cursor) return false;
    cursor = answer.next_cursor;
  }
  return false;
}

// The signed-in person's own data (GET /api/v1/me/export), saved as a JSON file.
function DownloadMyData() {
  const [error, setError] = useState(null);
  async function download() {
    setError(null);
    try {
      const data = await api('/api/v1/me/export');
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `agora-${data.user.username}.json`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <>
      <button type="button" onClick={download}>
        {t('downloadMyData')}
      </button>
      <ErrorText error={error} />
    </>
  );
}

export function Profile({ params }) {
  const me = useStore(meStore);
  const [user, setUser] = useState(null);
  const [manager, setManager] = useState(null);
  const [reports, setReports] = useState([]);
  const [following, setFollowing] = useState(null);
  const [error, setError] = useState(null);
  const ref = params.user.startsWith('@') || /^\d+$/.test(params.user) ? params.user : `@${params.user}`;

  useEffect(() => {
    setUser(null);
    setManager(null);
    setReports([]);
    setError(null);
    api(`/api/v1/users/${encodeURIComponent(ref)}`)
      .then((u) => {
        setUser(u);
        if (u.manager_id) api(`/api/v1/users/${u.manager_id}`).then(setManager).catch(() => {});
        api(`/api/v1/users/${u.id}/reports`, { query: { limit: 100 } })
          .then((page) => setReports(page.items || []))
          .catch(() => {});
      })
      .catch(setError);
  }, [ref]);

  useEffect(() => {
    if (!me || !user || me.id === user.id) return;
    isFollowing(me, user.id)
      .then(setFollowing)
      .catch(() => setFollowing(false));
  }, [me && me.id, user && user.id]);

  async function toggleFollow() {
    try {
      if (following) {
        await api(`/api/v1/users/${user.id}/follow`, { method: 'DELETE' });
        setFollowing(false);
        setUser({ ...user, followers_count: Math.max(0, user.followers_count - 1) });
      } else {
        await api(`/api/v1/users/${user.id}/follow`, { method: 'POST' });
        setFollowing(true);
        setUser({ ...user, followers_count: user.followers_count + 1 });
      }
    } catch (e) {
      setError(e);
    }
  }

  if (error && !user) {
    return (
      <div class="page">
        <h1>{t('profile')}</h1>
        <ErrorText error={error.status === 404 ? t('notFound') : error} />
      </div>
    );
  }
  if (!user) return <p class="muted page">{t('loading')}</p>;
  return (
    <div class="page">
      <section class="card profile" aria-labelledby="profile-name">
        <h1 id="profile-name">{user.display_name}</h1>
        <p class="muted">@{user.username}</p>
        <dl class="facts">
          {user.title && (
            <>
              <dt>{t('title')}</dt>
              <dd>{user.title}</dd>
            </>
          )}
          {user.department && (
            <>
              <dt>{t('team')}</dt>
              <dd>{user.department}</dd>
            </>
          )}
          {user.location && (
            <>
              <dt>{t('location')}</dt>
              <dd>{user.location}</dd>
            </>
          )}
          {manager && (
            <>
              <dt>{t('manager')}</dt>
              <dd>
                <a href={`/people/@${manager.username}`}>{manager.display_name}</a>
              </dd>
            </>
          )}
        </dl>
        <p>
          {t('followers', { count: formatNumber(user.followers_count) })} ·{' '}
          {t('following', { count: formatNumber(user.following_count) })}
        </p>
        {me && !me.guest && me.id !== user.id && following !== null && (
          <button type="button" class={following ? '' : 'primary'} onClick={toggleFollow}>
            {following ? t('unfollow') : t('follow')}
          </button>
        )}
        {me && me.id === user.id && (
          <p>
            <DownloadMyData />{' '}
            {(me.roles || []).includes('admin') && <a href="/admin/import">{t('importPeople')}</a>}
          </p>
        )}
        {user.bio && <p>{user.bio}</p>}
        {(user.skills || []).length > 0 && (
          <>
            <h2>{t('skills')}</h2>
            <ul class="chips">
              {user.skills.map((s) => (
                <li key={s}>
                  {me && me.guest ? s : <a href={`/search?tab=experts&q=${encodeURIComponent(s)}`}>{s}</a>}
                </li>
              ))}
            </ul>
          </>
        )}
        {(user.verified_skills || []).length > 0 && (
          <ul class="chips verified">
            {user.verified_skills.map((s) => (
              <li key={s.skill}>✓ {s.skill}</li>
            ))}
          </ul>
        )}
      </section>
      <OrgChart user={user} manager={manager} reports={reports} />
      {/* Profile streams hold company-wide posts, which guests never read. */}
      {me && !me.guest && (
        <>
          <h2>{t('theirPosts')}</h2>
          <Stream source={`/api/v1/users/${user.id}/feed?limit=20`} label={t('theirPosts')} />
        </>
      )}
    </div>
  );
}
