// Campaigns: the list the caller may see, and a campaign's live leaderboard (person, team,
// region), with the caller's own standing and a full-screen "TV view" for a sales floor.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText, TabPanel, Tabs } from '../components.jsx';
import { formatAmount, formatDay, formatNumber, t } from '../i18n.js';
import { onLive } from '../live.js';

export function Campaigns() {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/api/v1/campaigns', { query: { limit: 50 } })
      .then((page) => setItems(page.items || []))
      .catch(setError);
  }, []);
  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title">{t('campaigns')}</h1>
      <p>
        <a href="/results">{t('resultsNav')}</a>
      </p>
      <ErrorText error={error} />
      {!items && !error && <p>{t('loading')}</p>}
      {items && items.length === 0 && <p>{t('empty')}</p>}
      {items && items.length > 0 && (
        <ul class="campaign-list">
          {items.map((c) => (
            <li key={c.id}>
              <a href={`/campaigns/${c.id}`}>{c.name}</a>{' '}
              <span class="muted">
                {formatDay(c.starts_on)} – {formatDay(c.ends_on)} · {t(`metric_${c.metric}`)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function subjectName(subject) {
  if (!subject) return '';
  if (subject.type === 'person') return (subject.user && (subject.user.display_name || subject.user.username)) || '';
  if (subject.type === 'team') return subject.manager ? t('teamOf', { name: subject.manager.display_name || subject.manager.username }) : t('noManager');
  return subject.name || '';
}

function subjectKey(subject) {
  if (!subject) return '';
  if (subject.type === 'person') return `p${subject.user && subject.user.id}`;
  if (subject.type === 'team') return `t${subject.manager && subject.manager.id}`;
  return `r${subject.name}`;
}

function formatValue(value, campaign) {
  if (value === undefined || value === null) return '';
  if (campaign.metric === 'won_amount') return formatAmount(value, campaign.currency);
  if (campaign.metric === 'win_rate') return `${formatNumber(Math.round(Number(value) * 1000) / 10)} %`;
  return formatNumber(Number(value));
}

function RankChange({ change }) {
  if (!change) return <span class="rank-same" aria-label={t('rankSame')}>–</span>;
  if (change > 0)
    return (
      <span class="rank-up" aria-label={t('rankUp', { n: change })}>
        ▲ {change}
      </span>
    );
  return (
    <span class="rank-down" aria-label={t('rankDown', { n: -change })}>
      ▼ {-change}
    </span>
  );
}

function Progress({ progress, name }) {
  if (progress === undefined || progress === null) return null;
  const percent = Math.round(Number(progress) * 100);
  return (
    <div
      class="progress"
      role="progressbar"
      aria-label={t('progressOf', { name })}
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow={Math.min(percent, 100)}
      aria-valuetext={`${percent} %`}
    >
      <div class="progress-track">
        <div class="progress-bar" style={{ width: `${Math.min(percent, 100)}%` }} />
      </div>
      <span class="progress-text">{percent} %</span>
    </div>
  );
}

function Board({ board, campaign, tv }) {
  const items = board.items || [];
  const me = board.me;
  const meKey = me && subjectKey(me.subject);
  const meShown = me && items.some((row) => subjectKey(row.subject) === meKey);
  const rows = me && !meShown ? [...items, { ...me, offPage: true }] : items;
  return (
    <table class={tv ? 'leaderboard tv-board' : 'leaderboard'}>
      <caption class={tv ? '' : 'visually-hidden'}>{campaign.name}</caption>
      <thead>
        <tr>
          <th scope="col">{t('rank')}</th>
          <th scope="col">{t('name')}</th>
          <th scope="col">{t('value')}</th>
          <th scope="col">{t('progress')}</th>
          <th scope="col">{t('rankChange')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const name = subjectName(row.subject);
          const mine = meKey && subjectKey(row.subject) === meKey;
          return (
            <tr key={subjectKey(row.subject) + (row.offPage ? '-me' : '')} class={mine ? 'me' : ''} aria-current={mine ? 'true' : undefined}>
              <td>{row.rank}</td>
              <th scope="row">
                {name}
                {mine && <span class="me-badge"> {t('you')}</span>}
              </th>
              <td class="num">{formatValue(row.value, campaign)}</td>
              <td>
                <Progress progress={row.progress} name={name} />
              </td>
              <td>
                <RankChange change={row.rank_change} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function Campaign({ params }) {
  const id = params.id;
  const [campaign, setCampaign] = useState(null);
  const [by, setBy] = useState('person');
  const [board, setBoard] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  const [tv, setTv] = useState(false);

  useEffect(() => {
    api(`/api/v1/campaigns/${id}`).then(setCampaign).catch(setError);
  }, [id]);
  useEffect(() => {
    api(`/api/v1/campaigns/${id}/leaderboard`, { query: { by, limit: 20 } })
      .then(setBoard)
      .catch(setError);
  }, [id, by, tick]);
  useEffect(
    () =>
      onLive((event) => {
        const data = event.leaderboard || event.data || event;
        if (event.type === 'leaderboard' && String(data.campaign_id ?? event.campaign_id) === String(id)) setTick((n) => n + 1);
        if (event.type === 'deal_won') setTick((n) => n + 1);
      }),
    [id],
  );
  useEffect(() => {
    if (!tv) return undefined;
    const onKey = (e) => {
      if (e.key === 'Escape') setTv(false);
    };
    document.addEventListener('keydown', onKey);
    document.body.classList.add('tv-mode');
    const close = document.getElementById('tv-close');
    if (close) close.focus();
    return () => {
      document.removeEventListener('keydown', onKey);
      document.body.classList.remove('tv-mode');
    };
  }, [tv]);

  if (error) return <ErrorText error={error} />;
  if (!campaign || !board) return <p>{t('loading')}</p>;
  const tabs = ['person', 'team', 'region'].map((key) => ({ id: key, label: t(`by_${key}`) }));
  if (tv)
    return (
      <div class="tv" role="dialog" aria-modal="true" aria-label={t('tvView')}>
        <button type="button" id="tv-close" class="tv-close" onClick={() => setTv(false)}>
          {t('closeTv')}
        </button>
        <Board board={{ ...board, items: (board.items || []).slice(0, 10) }} campaign={campaign} tv />
      </div>
    );
  return (
    <section aria-labelledby="campaign-title">
      <p>
        <a href="/campaigns">{t('campaigns')}</a> · <a href="/results">{t('resultsNav')}</a>
      </p>
      <h1 id="campaign-title">{campaign.name}</h1>
      {campaign.description && <p>{campaign.description}</p>}
      <p class="muted">
        {formatDay(campaign.starts_on)} – {formatDay(campaign.ends_on)} · {t(`metric_${campaign.metric}`)}
      </p>
      {campaign.me && (
        <p class="me-standing" role="note">
          {t('myStanding', { rank: campaign.me.rank, value: formatValue(campaign.me.value, campaign) })}
        </p>
      )}
      <button type="button" onClick={() => setTv(true)}>
        {t('tvView')}
      </button>
      <Tabs tabs={tabs} selected={by} onSelect={setBy} label={t('leaderboardBy')} idPrefix="board" />
      <TabPanel idPrefix="board" selected={by}>
        {(board.items || []).length === 0 && !board.me ? <p>{t('empty')}</p> : <Board board={board} campaign={campaign} />}
      </TabPanel>
    </section>
  );
}

// A small celebration when a deal the reader may see is won (a `deal_won` stream event).
export function DealWonToast() {
  const [deal, setDeal] = useState(null);
  useEffect(
    () =>
      onLive((event) => {
        if (event.type !== 'deal_won' || !event.deal) return;
        setDeal(event.deal);
      }),
    [],
  );
  useEffect(() => {
    if (!deal) return undefined;
    const timer = setTimeout(() => setDeal(null), 6000);
    return () => clearTimeout(timer);
  }, [deal]);
  return (
    <div role="status" class={deal ? 'toast' : 'visually-hidden'}>
      {deal &&
        `🎉 ${t('dealWon', {
          owner: (deal.owner && (deal.owner.display_name || deal.owner.username)) || '',
          customer: deal.customer || '',
          amount: formatAmount(deal.amount, deal.currency),
        })}`}
    </div>
  );
}
