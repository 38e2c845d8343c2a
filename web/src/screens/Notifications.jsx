import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { refreshUnread } from '../store.js';
import { ErrorText } from '../components.jsx';
import { formatDate, t } from '../i18n.js';
import { onLive } from '../live.js';

function describe(n) {
  const actor = (n.actor && n.actor.display_name) || '';
  const community = (n.community && n.community.name) || '';
  if (n.type === 'reaction' && n.count > 1) return t('n_reaction_many', { actor, others: n.count - 1 });
  const key = `n_${n.type}`;
  const text = t(key, { actor, community, type: n.type });
  return text === key ? t('n_other', { actor, type: n.type }) : text;
}

function target(n) {
  if (n.post) return `/posts/${n.post.id}`;
  if (n.community) return `/communities/${n.community.id}`;
  if (n.actor) return `/people/@${n.actor.username}`;
  return null;
}

export function Notifications() {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  const [cursor, setCursor] = useState(null);

  useEffect(() => {
    api('/api/v1/notifications', { query: { limit: 50 } })
      .then((page) => {
        setItems(page.items || []);
        setCursor(page.next_cursor || null);
      })
      .catch(setError);
  }, [tick]);

  useEffect(
    () =>
      onLive((event) => {
        if (event.type !== 'notification' || !event.notification) return;
        setItems((old) => [event.notification, ...(old || []).filter((n) => n.id !== event.notification.id)]);
      }),
    [],
  );

  async function more() {
    const page = await api('/api/v1/notifications', { query: { limit: 50, cursor } });
    setItems((old) => [...old, ...(page.items || [])]);
    setCursor(page.next_cursor || null);
  }

  async function markAll() {
    try {
      await api('/api/v1/notifications/read', { method: 'POST', body: { all: true } });
      setItems((old) => (old || []).map((n) => ({ ...n, read: true })));
      refreshUnread();
    } catch (e) {
      setError(e);
    }
  }

  async function markOne(n) {
    if (n.read) return;
    try {
      await api('/api/v1/notifications/read', { method: 'POST', body: { ids: [n.id] } });
      refreshUnread();
    } catch {
      /* the link still works */
    }
  }

  return (
    <div class="page">
      <h1>{t('notifications')}</h1>
      <div class="row">
        <button type="button" onClick={markAll}>
          {t('markAllRead')}
        </button>
        <button type="button" onClick={() => setTick((n) => n + 1)}>
          {t('retry')}
        </button>
      </div>
      <ErrorText error={error} />
      {items === null && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && <p class="muted">{t('empty')}</p>}
      <ul class="list notifications" aria-live="polite">
        {(items || []).map((n) => {
          const href = target(n);
          const text = describe(n);
          return (
            <li key={n.id} class={`card notification${n.read ? '' : ' unread'}`}>
              {href ? (
                <a href={href} onClick={() => markOne(n)}>
                  {text}
                </a>
              ) : (
                text
              )}
              {!n.read && <span class="tag">{t('unread')}</span>}
              {n.post && n.post.text && <p class="muted quote">{n.post.text.slice(0, 200)}</p>}
              <p class="muted">
                <time dateTime={n.created_at}>{formatDate(n.created_at)}</time>
              </p>
            </li>
          );
        })}
      </ul>
      {cursor && (
        <button type="button" onClick={more}>
          {t('loadMore')}
        </button>
      )}
    </div>
  );
}
