// Pieces several screens share: a post as an article, a stream with infinite scroll, the
// composer, rich text with mentions and hashtags as links.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { formatAmount, formatDate, formatDay, formatNumber, t } from './i18n.js';
import { onLive } from './live.js';
import { meStore, useStore } from './store.js';

let idCounter = 0;
export function useId(prefix = 'id') {
  const ref = useRef(null);
  if (ref.current === null) ref.current = `${prefix}-${++idCounter}`;
  return ref.current;
}

// Text with @mentions and #hashtags as links (never as HTML).
export function RichText({ text }) {
  const parts = [];
  const pattern = /([@#])([\p{L}\p{N}_][\p{L}\p{N}_.-]*[\p{L}\p{N}_]|[\p{L}\p{N}_])/gu;
  let last = 0;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    const before = match.index === 0 ? '' : text[match.index - 1];
    if (before && /[\p{L}\p{N}_]/u.test(before)) continue;
    if (match.index > last) parts.push(text.slice(last, match.index));
    const [whole, sigil, word] = match;
    parts.push(
      sigil === '@' ? (
        <a href={`/people/@${word}`} class="mention">
          {whole}
        </a>
      ) : (
        <a href={`/tags/${encodeURIComponent(word)}`} class="hashtag">
          {whole}
        </a>
      ),
    );
    last = match.index + whole.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <p class="post-text">{parts}</p>;
}

// A search highlight: the text with <mark></mark> around matches, rendered without innerHTML.
export function Highlight({ text }) {
  const parts = String(text || '').split(/(<mark>|<\/mark>)/);
  const out = [];
  let marked = false;
  for (const part of parts) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) out.push(marked ? <mark>{part}</mark> : part);
  }
  return <p class="post-text">{out}</p>;
}

export function UserLink({ user }) {
  if (!user) return null;
  return <a href={`/people/@${user.username}`}>{user.display_name || user.username}</a>;
}

export function DealFields({ deal }) {
  if (!deal) return null;
  return (
    <dl class="deal">
      {deal.customer && (
        <>
          <dt>{t('customer')}</dt>
          <dd>{deal.customer}</dd>
        </>
      )}
      {deal.sector && (
        <>
          <dt>{t('sector')}</dt>
          <dd>{deal.sector}</dd>
        </>
      )}
      {deal.product && (
        <>
          <dt>{t('product')}</dt>
          <dd>{deal.product}</dd>
        </>
      )}
      {deal.region && (
        <>
          <dt>{t('region')}</dt>
          <dd>{deal.region}</dd>
        </>
      )}
      {deal.amount !== undefined && deal.amount !== null && (
        <>
          <dt>{t('amount')}</dt>
          <dd>{formatAmount(deal.amount, deal.currency)}</dd>
        </>
      )}
      {deal.closed_on && (
        <>
          <dt>{t('closedOn')}</dt>
          <dd>{formatDay(deal.closed_on)}</dd>
        </>
      )}
      {deal.outcome && (
        <>
          <dt>{t('outcome')}</dt>
          <dd>{t(`outcome_${deal.outcome}`)}</dd>
        </>
      )}
    </dl>
  );
}

// One post as an article: author, time, text, deal fields, reactions, replies, report.
export function PostItem({ post, pinned, onRemoved, moderator, communityId, onPinChange, headingLevel = 2 }) {
  const me = useStore(meStore);
  const [likes, setLikes] = useState(post.reactions_count || 0);
  const [liked, setLiked] = useState(false);
  const [repliesCount, setRepliesCount] = useState(post.replies_count || 0);
  const [replying, setReplying] = useState(false);
  const [replyText, setReplyText] = useState('');
  const [reporting, setReporting] = useState(false);
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const headingId = useId('post');
  const replyId = useId('reply');
  const reasonId = useId('reason');
  const author = post.author || {};
  const Heading = `h${headingLevel}`;

  async function toggleLike() {
    setError('');
    try {
      if (liked) {
        await api(`/api/v1/posts/${post.id}/reactions`, { method: 'DELETE' });
        setLiked(false);
        setLikes((n) => Math.max(0, n - 1));
      } else {
        const updated = await api(`/api/v1/posts/${post.id}/reactions`, { method: 'POST', body: { type: 'like' } });
        setLiked(true);
        setLikes(updated && typeof updated.reactions_count === 'number' ? updated.reactions_count : likes + 1);
      }
    } catch (e) {
      if (e.status === 409) setLiked(true);
      else setError(e.message);
    }
  }

  async function sendReply(event) {
    event.preventDefault();
    if (!replyText.trim()) return;
    setError('');
    try {
      const body = { text: replyText, in_reply_to: post.id };
      await api('/api/v1/posts', { method: 'POST', body });
      setReplyText('');
      setReplying(false);
      setRepliesCount((n) => n + 1);
      setNotice(t('posted'));
    } catch (e) {
      setError(e.message);
    }
  }

  async function sendReport(event) {
    event.preventDefault();
    setError('');
    try {
      await api(`/api/v1/posts/${post.id}/report`, { method: 'POST', body: { reason } });
      setReporting(false);
      setReason('');
      setNotice(t('reported'));
    } catch (e) {
      setError(e.message);
    }
  }

  async function remove() {
    try {
      await api(`/api/v1/posts/${post.id}`, { method: 'DELETE' });
      if (onRemoved) onRemoved(post.id);
    } catch (e) {
      setError(e.message);
    }
  }

  async function togglePin() {
    try {
      if (pinned) {
        await api(`/api/v1/communities/${communityId}/pins/${post.id}`, { method: 'DELETE' });
      } else {
        await api(`/api/v1/communities/${communityId}/pins`, { method: 'POST', body: { post_id: post.id } });
      }
      if (onPinChange) onPinChange();
    } catch (e) {
      setError(e.message);
    }
  }

  const mine = me && author.id === me.id;
  const admin = me && (me.roles || []).includes('admin');
  return (
    <article class={`card post kind-${post.kind}`} aria-labelledby={headingId} data-post-id={post.id}>
      <header class="post-head">
        <Heading id={headingId} class="post-author">
          <UserLink user={author} />
        </Heading>
        {author.title && <span class="muted"> · {author.title}</span>}
        <div class="post-meta muted">
          <a href={`/posts/${post.id}`}>
            <time dateTime={post.created_at}>{formatDate(post.created_at)}</time>
          </a>
          {post.kind && post.kind !== 'status' && <span class={`tag tag-${post.kind}`}>{t(`kind_${post.kind}`)}</span>}
          {pinned && <span class="tag">{t('pinned')}</span>}
          {post.edited_at && <span> · {t('edited')}</span>}
        </div>
      </header>
      <RichText text={post.text || ''} />
      <DealFields deal={post.deal} />
      <div class="post-actions">
        <button type="button" aria-pressed={liked ? 'true' : 'false'} onClick={toggleLike}>
          {t('like')} <span class="count">{formatNumber(likes)}</span>
        </button>
        <button type="button" aria-expanded={replying ? 'true' : 'false'} onClick={() => setReplying(!replying)}>
          {t('reply')}
        </button>
        <a href={`/posts/${post.id}`}>{t('replies', { count: formatNumber(repliesCount) })}</a>
        {!mine && (
          <button type="button" aria-expanded={reporting ? 'true' : 'false'} onClick={() => setReporting(!reporting)}>
            {t('report')}
          </button>
        )}
        {moderator && communityId && (
          <button type="button" onClick={togglePin}>
            {pinned ? t('unpin') : t('pin')}
          </button>
        )}
        {(mine || admin || moderator) && (
          <button type="button" class="danger" onClick={remove}>
            {t('delete')}
          </button>
        )}
      </div>
      {replying && (
        <form class="inline-form" onSubmit={sendReply}>
          <label for={replyId}>{t('writeReply')}</label>
          <textarea id={replyId} rows={2} value={replyText} onInput={(e) => setReplyText(e.currentTarget.value)} />
          <button type="submit" class="primary">
            {t('sendReply')}
          </button>
        </form>
      )}
      {reporting && (
        <form class="inline-form" onSubmit={sendReport}>
          <label for={reasonId}>{t('reportReason')}</label>
          <input id={reasonId} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <button type="submit">{t('sendReport')}</button>
        </form>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}

// The post of a stream item (AS2 Create activity).
export const itemPost = (item) => (item.object && item.object['agora:post']) || item;

// The page after one of `source`: the query of the page's `next` link (an absolute URL on the
// server's public URL) on the stream's own path, so paging stays on this origin.
const nextPage = (source, link) => (link ? source.split('?')[0] + new URL(link).search : null);

// A stream (home, person, community): pages on the `next` cursor as the end comes into view
// (and with a button, for keyboards), live items prepended when `live` is set.
export function Stream({ source, live, moderator, communityId, label }) {
  const [items, setItems] = useState([]);
  const [next, setNext] = useState(source);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  const [reloadTick, setReloadTick] = useState(0);
  const [announce, setAnnounce] = useState('');
  const sentinel = useRef(null);
  const loadingRef = useRef(false);

  async function load(url, replace) {
    if (!url || loadingRef.current) return;
    loadingRef.current = true;
    setLoading(true);
    setError('');
    try {
      const page = await api(url);
      const fresh = page.orderedItems || [];
      setItems((old) => {
        const base = replace ? [] : old;
        const seen = new Set(base.map((item) => itemPost(item).id));
        return base.concat(fresh.filter((item) => !seen.has(itemPost(item).id)));
      });
      setNext(nextPage(source, page.next));
      setDone(!page.next);
    } catch (e) {
      setError(e.message);
    } finally {
      loadingRef.current = false;
      setLoading(false);
    }
  }

  useEffect(() => {
    load(source, true);
  }, [source, reloadTick]);

  useEffect(() => {
    if (!live) return undefined;
    return onLive((event) => {
      if (event.type === 'post' && event.item) {
        const post = itemPost(event.item);
        if (post.in_reply_to) return;
        setItems((old) => (old.some((item) => itemPost(item).id === post.id) ? old : [event.item, ...old]));
        setAnnounce(t('newPosts'));
      } else if (event.type === 'delete') {
        setItems((old) => old.filter((item) => itemPost(item).id !== event.post_id));
      } else if (event.type === 'gap') {
        setReloadTick((n) => n + 1);
      }
    });
  }, [live]);

  useEffect(() => {
    if (!sentinel.current || typeof IntersectionObserver === 'undefined') return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && next && !done) load(next, false);
    });
    observer.observe(sentinel.current);
    return () => observer.disconnect();
  }, [next, done]);

  const removed = (id) => setItems((old) => old.filter((item) => itemPost(item).id !== id));
  return (
    <section class="stream" aria-label={label} aria-busy={loading ? 'true' : 'false'}>
      {live && (
        <p role="status" class="visually-hidden">
          {announce}
        </p>
      )}
      {items.map((item) => {
        const post = itemPost(item);
        return (
          <PostItem
            key={post.id}
            post={post}
            pinned={!!item.pinned}
            onRemoved={removed}
            moderator={moderator}
            communityId={communityId}
            onPinChange={() => setReloadTick((n) => n + 1)}
          />
        );
      })}
      {!loading && items.length === 0 && !error && <p class="muted">{t('empty')}</p>}
      {error && (
        <p class="error" role="alert">
          {t('error', { message: error })}
        </p>
      )}
      <div ref={sentinel} class="sentinel" />
      {loading && <p class="muted">{t('loading')}</p>}
      {!loading && next && !done && (
        <button type="button" onClick={() => load(next, false)}>
          {t('loadMore')}
        </button>
      )}
      {!loading && done && items.length > 0 && <p class="muted">{t('noMore')}</p>}
    </section>
  );
}

const DEAL_FIELDS = ['customer', 'sector', 'product', 'region'];

// The composer: status, question, announcement (admins), deal story (with the deal's fields).
export function Composer({ communityId, onPosted }) {
  const me = useStore(meStore);
  const [text, setText] = useState('');
  const [kind, setKind] = useState('status');
  const [deal, setDeal] = useState({ currency: 'EUR', outcome: 'won' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const textId = useId('composer');
  const kindId = useId('kind');
  const admin = me && (me.roles || []).includes('admin');
  const kinds = ['status', 'question', ...(admin && !communityId ? ['announcement'] : []), 'deal_story'];

  async function submit(event) {
    event.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError('');
    setNotice('');
    const body = { text, kind };
    if (communityId) body.community_id = communityId;
    if (kind === 'deal_story') {
      body.deal = { ...deal };
      if (body.deal.amount === '' || body.deal.amount === undefined) delete body.deal.amount;
      else body.deal.amount = Number(body.deal.amount);
      for (const key of Object.keys(body.deal)) if (body.deal[key] === '') delete body.deal[key];
    }
    try {
      const post = await api('/api/v1/posts', { method: 'POST', body });
      setText('');
      setNotice(t('posted'));
      if (onPosted) onPosted(post);
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  }

  const field = (name, props = {}) => {
    const id = `${textId}-${name}`;
    return (
      <div class="field">
        <label for={id}>{t(name === 'closed_on' ? 'closedOn' : name)}</label>
        <input
          id={id}
          value={deal[name] ?? ''}
          onInput={(e) => setDeal({ ...deal, [name]: e.currentTarget.value })}
          {...props}
        />
      </div>
    );
  };

  return (
    <form class="card composer" onSubmit={submit} aria-label={t('composerTitle')}>
      <div class="field">
        <label for={kindId}>{t('kind')}</label>
        <select id={kindId} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          {kinds.map((k) => (
            <option value={k} key={k}>
              {t(`kind_${k}`)}
            </option>
          ))}
        </select>
      </div>
      <label for={textId} class="visually-hidden">
        {t('writePost')}
      </label>
      <textarea
        id={textId}
        rows={3}
        placeholder={t('writePost')}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {kind === 'deal_story' && (
        <fieldset class="deal-fields">
          <legend>{t('deal')}</legend>
          {DEAL_FIELDS.map((name) => field(name))}
          {field('amount', { type: 'number', min: '0', step: '0.01', inputMode: 'decimal' })}
          {field('currency', { maxLength: 3, pattern: '[A-Za-z]{3}' })}
          {field('closed_on', { type: 'date' })}
          <div class="field">
            <label for={`${textId}-outcome`}>{t('outcome')}</label>
            <select
              id={`${textId}-outcome`}
              value={deal.outcome}
              onChange={(e) => setDeal({ ...deal, outcome: e.currentTarget.value })}
            >
              {['won', 'lost', 'open'].map((o) => (
                <option value={o} key={o}>
                  {t(`outcome_${o}`)}
                </option>
              ))}
            </select>
          </div>
        </fieldset>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {t('post')}
        </button>
        {notice && (
          <span role="status" class="notice">
            {notice}
          </span>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function ErrorText({ error }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {t('error', { message: error.message || error })}
    </p>
  );
}

// WAI-ARIA tabs: arrow keys move between tabs, the selected one is in the tab order.
export function Tabs({ tabs, selected, onSelect, label, idPrefix }) {
  const refs = useRef({});
  function onKeyDown(event) {
    const index = tabs.findIndex((tab) => tab.id === selected);
    let next = -1;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    event.preventDefault();
    onSelect(tabs[next].id);
    const element = refs.current[tabs[next].id];
    if (element) element.focus();
  }
  return (
    <div role="tablist" aria-label={label} class="tabs" onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          ref={(element) => (refs.current[tab.id] = element)}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${tab.id}`}
          aria-controls={`${idPrefix}-panel`}
          aria-selected={tab.id === selected ? 'true' : 'false'}
          tabIndex={tab.id === selected ? 0 : -1}
          onClick={() => onSelect(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

export function TabPanel({ idPrefix, selected, children }) {
  return (
    <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${selected}`} tabIndex={0} class="tabpanel">
      {children}
    </div>
  );
}
