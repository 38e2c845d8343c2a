import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Composer, ErrorText, PostItem, Stream, TabPanel, Tabs, UserLink, useId } from '../components.jsx';
import { formatDate, formatNumber, t } from '../i18n.js';
import { meStore, useStore } from '../store.js';
import { MembershipButton } from './Communities.jsx';

function usePage(url, tick) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!url) return;
    api(url)
      .then((page) => setItems(page.items || []))
      .catch(setError);
  }, [url, tick]);
  return [items, error];
}

function Members({ community, manage, isOwner }) {
  const [tick, setTick] = useState(0);
  const [items, error] = usePage(`/api/v1/communities/${community.id}/members?limit=100`, tick);
  const [actionError, setActionError] = useState(null);
  const [invitee, setInvitee] = useState('');
  const [invited, setInvited] = useState('');
  const id = useId('members');
  async function run(promise) {
    setActionError(null);
    try {
      await promise;
      setTick((n) => n + 1);
    } catch (e) {
      setActionError(e);
    }
  }
  async function invite(event) {
    event.preventDefault();
    try {
      const user = await api(`/api/v1/users/@${encodeURIComponent(invitee.replace(/^@/, ''))}`);
      await api(`/api/v1/communities/${community.id}/invitations`, { method: 'POST', body: { user_id: user.id } });
      setInvited(invitee);
      setInvitee('');
    } catch (e) {
      setActionError(e);
    }
  }
  return (
    <section aria-label={t('membersTab')}>
      {manage && (
        <form class="row" onSubmit={invite}>
          <label for={`${id}-invite`}>{t('userToInvite')}</label>
          <input id={`${id}-invite`} required value={invitee} onInput={(e) => setInvitee(e.currentTarget.value)} />
          <button type="submit">{t('invite')}</button>
          {invited && <span role="status">✓ {invited}</span>}
        </form>
      )}
      <ErrorText error={error || actionError} />
      {items === null && <p class="muted">{t('loading')}</p>}
      {items && (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('role')}</th>
              {manage && <th scope="col">{t('action')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.user.id}>
                <td>
                  <UserLink user={m.user} />
                  {m.source === 'rule' && <span class="tag"> {t('addedByRule')}</span>}
                  {m.source === 'scim' && <span class="tag"> {t('managedByIdp')}</span>}
                </td>
                <td>
                  {isOwner && m.role !== 'owner' ? (
                    <select
                      aria-label={`${t('role')}: ${m.user.display_name}`}
                      value={m.role}
                      onChange={(e) =>
                        run(api(`/api/v1/communities/${community.id}/members/${m.user.id}`, { method: 'PUT', body: { role: e.currentTarget.value } }))
                      }
                    >
                      {['member', 'moderator', 'owner'].map((r) => (
                        <option key={r} value={r}>
                          {t(`role_${r}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    t(`role_${m.role}`)
                  )}
                </td>
                {manage && (
                  <td class="row">
                    {m.role !== 'owner' && (
                      <>
                        {/* Only the rules, or the identity provider's group, remove the members they added. */}
                        {m.source === 'manual' && (
                          <button type="button" onClick={() => run(api(`/api/v1/communities/${community.id}/members/${m.user.id}`, { method: 'DELETE' }))}>
                            {t('remove')} <span class="visually-hidden">{m.user.display_name}</span>
                          </button>
                        )}
                        <button
                          type="button"
                          class="danger"
                          onClick={() => run(api(`/api/v1/communities/${community.id}/bans`, { method: 'POST', body: { user_id: m.user.id, reason: '' } }))}
                        >
                          {t('ban')} <span class="visually-hidden">{m.user.display_name}</span>
                        </button>
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const ruleFields = [
  ['department', 'ruleDepartment'],
  ['location', 'ruleLocation'],
  ['title_contains', 'ruleTitleContains'],
  ['manager', 'ruleManager'],
];
const MAX_RULES = 10;

// The rules of a rules-based community (owners and admins): a person who matches any rule is a
// member; within a rule, every filled condition must hold. The manager is a username or an id.
function MembershipRules({ community, onChange }) {
  const [rules, setRules] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const id = useId('rules');
  useEffect(() => {
    api(`/api/v1/communities/${community.id}/membership_rules`)
      .then((r) => setRules(r.rules.map((rule) => ({ ...rule, manager: rule.manager_id || '' }))))
      .catch(setError);
  }, [community.id]);
  function edit(index, field, value) {
    setRules((old) => old.map((rule, i) => (i === index ? { ...rule, [field]: value } : rule)));
  }
  async function managerId(text) {
    if (/^\d+$/.test(text)) return text;
    return (await api(`/api/v1/users/@${encodeURIComponent(text.replace(/^@/, ''))}`)).id;
  }
  async function save(event) {
    event.preventDefault();
    setError(null);
    setNotice('');
    try {
      const body = [];
      for (const rule of rules) {
        const out = {};
        for (const field of ['department', 'location', 'title_contains']) {
          if (rule[field] && rule[field].trim()) out[field] = rule[field].trim();
        }
        const manager = (rule.manager || '').trim();
        if (manager) out.manager_id = await managerId(manager);
        body.push(out);
      }
      const result = await api(`/api/v1/communities/${community.id}/membership_rules`, { method: 'PUT', body: { rules: body } });
      setNotice(t('rulesSaved', { joined: result.joined, left: result.left }));
      onChange();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section aria-labelledby={`${id}-h`} class="card">
      <h2 id={`${id}-h`}>{t('membershipRules')}</h2>
      <p class="muted">{t('membershipRulesHelp')}</p>
      <ErrorText error={error} />
      {rules && (
        <form class="stack" onSubmit={save}>
          {rules.length === 0 && <p class="muted">{t('noRules')}</p>}
          {rules.map((rule, index) => (
            <fieldset key={index} class="row">
              <legend>{t('ruleN', { n: index + 1 })}</legend>
              {ruleFields.map(([field, label]) => (
                <span key={field} class="row">
                  <label for={`${id}-${index}-${field}`}>{t(label)}</label>
                  <input id={`${id}-${index}-${field}`} maxLength={100} value={rule[field] || ''} onInput={(e) => edit(index, field, e.currentTarget.value)} />
                </span>
              ))}
              <button type="button" onClick={() => setRules((old) => old.filter((_, i) => i !== index))}>
                {t('removeRule', { n: index + 1 })}
              </button>
            </fieldset>
          ))}
          <div class="row">
            <button type="button" disabled={rules.length >= MAX_RULES} onClick={() => setRules((old) => [...old, {}])}>
              {t('addRule')}
            </button>
            <button type="submit" class="primary">
              {t('saveRules')}
            </button>
          </div>
          {notice && <p role="status">{notice}</p>}
        </form>
      )}
    </section>
  );
}

function JoinRequests({ community, onChange }) {
  const [tick, setTick] = useState(0);
  const [items, error] = usePage(`/api/v1/communities/${community.id}/requests?limit=100`, tick);
  const [actionError, setActionError] = useState(null);
  async function decide(userId, verb) {
    setActionError(null);
    try {
      await api(`/api/v1/communities/${community.id}/requests/${userId}/${verb}`, { method: 'POST' });
      setTick((n) => n + 1);
      onChange();
    } catch (e) {
      setActionError(e);
    }
  }
  return (
    <section aria-labelledby="requests-h" class="card">
      <h2 id="requests-h">{t('joinRequests')}</h2>
      <ErrorText error={error || actionError} />
      {items && items.length === 0 && <p class="muted">{t('nothingOpen')}</p>}
      <ul class="list">
        {(items || []).map((m) => (
          <li key={m.user.id} class="row">
            <UserLink user={m.user} />
            <button type="button" class="primary" onClick={() => decide(m.user.id, 'approve')}>
              {t('approve')} <span class="visually-hidden">{m.user.display_name}</span>
            </button>
            <button type="button" onClick={() => decide(m.user.id, 'reject')}>
              {t('reject')} <span class="visually-hidden">{m.user.display_name}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ReportItem({ report, onResolved }) {
  const [action, setAction] = useState('dismiss');
  const [note, setNote] = useState('');
  const [post, setPost] = useState(null);
  const [error, setError] = useState(null);
  const id = useId('report');
  useEffect(() => {
    api(`/api/v1/posts/${report.post_id}`).then(setPost).catch(() => {});
  }, [report.post_id]);
  async function resolve(event) {
    event.preventDefault();
    try {
      await api(`/api/v1/reports/${report.id}/resolve`, { method: 'POST', body: { action, note } });
      onResolved();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <li class="card report" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {t('reason')}: {report.reason || '—'}
      </h3>
      <p class="muted">{formatDate(report.created_at)}</p>
      {post && <PostItem post={post} headingLevel={4} />}
      <form class="row" onSubmit={resolve}>
        <label for={`${id}-action`}>{t('action')}</label>
        <select id={`${id}-action`} value={action} onChange={(e) => setAction(e.currentTarget.value)}>
          {(report.community_id ? ['dismiss', 'remove_post', 'ban_author'] : ['dismiss', 'remove_post']).map((a) => (
            <option key={a} value={a}>
              {t(`action_${a}`)}
            </option>
          ))}
        </select>
        <label for={`${id}-note`}>{t('note')}</label>
        <input id={`${id}-note`} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        <button type="submit" class="primary">
          {t('resolve')}
        </button>
      </form>
      <ErrorText error={error} />
    </li>
  );
}

// The open reports of a community (its moderators) or, without one, of company-wide posts
// (admins: GET /api/v1/reports).
export function ReportsQueue({ community }) {
  const [tick, setTick] = useState(0);
  const url = community ? `/api/v1/communities/${community.id}/reports?status=open` : '/api/v1/reports?status=open';
  const [items, error] = usePage(url, tick);
  const [notice, setNotice] = useState('');
  return (
    <section aria-labelledby="reports-h" class="card">
      <h2 id="reports-h">{t('reportsQueue')}</h2>
      <ErrorText error={error} />
      {notice && <p role="status">{notice}</p>}
      {items && items.length === 0 && <p class="muted">{t('nothingOpen')}</p>}
      <ul class="list">
        {(items || []).map((r) => (
          <ReportItem
            key={r.id}
            report={r}
            onResolved={() => {
              setNotice(t('resolved'));
              setTick((n) => n + 1);
            }}
          />
        ))}
      </ul>
    </section>
  );
}

function Bans({ community }) {
  const [username, setUsername] = useState('');
  const [reason, setReason] = useState('');
  const [unbanName, setUnbanName] = useState('');
  const [done, setDone] = useState('');
  const [error, setError] = useState(null);
  const id = useId('bans');
  async function lookup(name) {
    return api(`/api/v1/users/@${encodeURIComponent(name.replace(/^@/, ''))}`);
  }
  async function ban(event) {
    event.preventDefault();
    setError(null);
    try {
      const user = await lookup(username);
      await api(`/api/v1/communities/${community.id}/bans`, { method: 'POST', body: { user_id: user.id, reason } });
      setDone(`${t('ban')}: ${username}`);
      setUsername('');
      setReason('');
    } catch (e) {
      setError(e);
    }
  }
  async function unban(event) {
    event.preventDefault();
    setError(null);
    try {
      const user = await lookup(unbanName);
      await api(`/api/v1/communities/${community.id}/bans/${user.id}`, { method: 'DELETE' });
      setDone(`${t('unban')}: ${unbanName}`);
      setUnbanName('');
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section aria-labelledby="bans-h" class="card">
      <h2 id="bans-h">{t('bans')}</h2>
      <form class="row" onSubmit={ban}>
        <label for={`${id}-user`}>{t('userToBan')}</label>
        <input id={`${id}-user`} required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for={`${id}-reason`}>{t('reason')}</label>
        <input id={`${id}-reason`} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        <button type="submit" class="danger">
          {t('ban')}
        </button>
      </form>
      <form class="row" onSubmit={unban}>
        <label for={`${id}-unban`}>{t('unban')}</label>
        <input id={`${id}-unban`} required value={unbanName} onInput={(e) => setUnbanName(e.currentTarget.value)} />
        <button type="submit">{t('unban')}</button>
      </form>
      {done && <p role="status">{done}</p>}
      <ErrorText error={error} />
    </section>
  );
}

// Names of the people an audit entry mentions, fetched once each.
const names = new Map();
function UserName({ id }) {
  const [user, setUser] = useState(null);
  useEffect(() => {
    if (!id) return undefined;
    if (!names.has(id)) names.set(id, api(`/api/v1/users/${id}`).catch(() => null));
    let live = true;
    names.get(id).then((u) => live && setUser(u));
    return () => {
      live = false;
    };
  }, [id]);
  if (!id) return null;
  return user ? <UserLink user={user} /> : <span class="muted">{id}</span>;
}

function Audit({ community }) {
  const [items, error] = usePage(`/api/v1/communities/${community.id}/audit?limit=30`, 0);
  return (
    <section aria-labelledby="audit-h" class="card">
      <h2 id="audit-h">{t('auditLog')}</h2>
      <ErrorText error={error} />
      {items && items.length === 0 && <p class="muted">{t('empty')}</p>}
      {items && items.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('who')}</th>
              <th scope="col">{t('action')}</th>
              <th scope="col">{t('target')}</th>
              <th scope="col">{t('note')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>
                  <time dateTime={e.created_at}>{formatDate(e.created_at)}</time>
                </td>
                <td>
                  <UserName id={e.actor_id} />
                </td>
                <td>{e.action}</td>
                <td>
                  <UserName id={e.target_user_id} />
                </td>
                <td>{e.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Community({ params }) {
  const me = useStore(meStore);
  const [community, setCommunity] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  const [tab, setTab] = useState('posts');
  useEffect(() => {
    api(`/api/v1/communities/${encodeURIComponent(params.id)}`)
      .then(setCommunity)
      .catch(setError);
  }, [params.id, tick]);
  if (error) {
    return (
      <div class="page">
        <h1>{t('communities')}</h1>
        <ErrorText error={error.status === 404 ? t('notFound') : error} />
      </div>
    );
  }
  if (!community) return <p class="muted page">{t('loading')}</p>;
  const m = community.membership;
  const member = m && m.state === 'member';
  const admin = me && (me.roles || []).includes('admin');
  const moderator = (member && (m.role === 'moderator' || m.role === 'owner')) || admin;
  const owner = (member && m.role === 'owner') || admin;
  const canRead = member || community.visibility === 'open';
  const tabs = [
    { id: 'posts', label: t('posts') },
    { id: 'members', label: t('membersTab') },
    ...(moderator ? [{ id: 'moderation', label: t('moderation') }] : []),
  ];
  return (
    <div class="page">
      <section class="card" aria-labelledby="community-name">
        <h1 id="community-name">{community.name}</h1>
        <p class="muted">
          <span class={`tag vis-${community.visibility}`}>{t(`visibility_${community.visibility}`)}</span> ·{' '}
          {t('members', { count: formatNumber(community.members_count) })}
          {member && <> · {t(`role_${m.role}`)}</>}
        </p>
        {community.description && <p>{community.description}</p>}
        <MembershipButton community={community} onChange={() => setTick((n) => n + 1)} />
      </section>
      <Tabs tabs={tabs} selected={tab} onSelect={setTab} label={community.name} idPrefix="community" />
      <TabPanel idPrefix="community" selected={tab}>
        {tab === 'posts' &&
          (canRead ? (
            <>
              {member && <Composer communityId={community.id} onPosted={() => setTick((n) => n + 1)} />}
              <Stream
                key={tick}
                source={`/api/v1/communities/${community.id}/feed?limit=20`}
                moderator={moderator}
                communityId={community.id}
                label={t('posts')}
              />
            </>
          ) : (
            <p class="notice">{t('privateNotice')}</p>
          ))}
        {tab === 'members' && (canRead || moderator ? <Members community={community} manage={moderator} isOwner={owner} /> : <p class="notice">{t('privateNotice')}</p>)}
        {tab === 'moderation' && moderator && (
          <div class="stack">
            {owner && <MembershipRules community={community} onChange={() => setTick((n) => n + 1)} />}
            <JoinRequests community={community} onChange={() => setTick((n) => n + 1)} />
            <ReportsQueue community={community} />
            <Bans community={community} />
            <Audit community={community} />
          </div>
        )}
      </TabPanel>
    </div>
  );
}
