import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { DealFields, ErrorText, Highlight, PostItem, TabPanel, Tabs, UserLink, useId } from '../components.jsx';
import { formatNumber, t } from '../i18n.js';
import { navigate } from '../router.js';

const TABS = ['posts', 'people', 'experts', 'deals'];
const FACETS = ['sector', 'product', 'region', 'outcome'];
const tabLabel = { posts: 'tabPosts', people: 'tabPeople', experts: 'tabExperts', deals: 'tabDeals' };

function searchUrl(tab, q, filters) {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (tab !== 'posts') params.set('tab', tab);
  for (const [key, value] of Object.entries(filters || {})) if (value) params.set(key, value);
  const text = params.toString();
  return `/search${text ? `?${text}` : ''}`;
}

function PostResults({ answer }) {
  return (
    <ol class="results">
      {answer.results.map((hit) => (
        <li key={hit.post.id}>
          <PostItem post={hit.post} headingLevel={3} />
          {hit.highlight && (
            <div class="highlight" aria-label={t('evidence')}>
              <Highlight text={hit.highlight} />
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}

function PersonCard({ user, children }) {
  return (
    <>
      <h3>
        <UserLink user={user} />
      </h3>
      <p class="muted">{[user.title, user.department, user.location].filter(Boolean).join(' · ')}</p>
      {children}
    </>
  );
}

function PeopleResults({ answer }) {
  return (
    <ol class="results">
      {answer.results.map((hit) => (
        <li key={hit.user.id} class="card">
          <PersonCard user={hit.user} />
        </li>
      ))}
    </ol>
  );
}

function Expert({ hit }) {
  const [open, setOpen] = useState(false);
  const id = useId('evidence');
  const evidence = hit.evidence || {};
  const name = hit.user.display_name;
  return (
    <li class="card expert">
      <PersonCard user={hit.user}>
        <button type="button" aria-expanded={open ? 'true' : 'false'} aria-controls={id} onClick={() => setOpen(!open)}>
          {t('showEvidence', { name })}
        </button>
        <div id={id} hidden={!open} class="evidence">
          <h4>{t('evidence')}</h4>
          {(evidence.skills || []).length > 0 && (
            <>
              <h5>{t('matchingSkills')}</h5>
              <ul class="chips">
                {evidence.skills.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </>
          )}
          {(evidence.posts || []).length > 0 && (
            <>
              <h5>{t('matchingPosts')}</h5>
              <ul class="list">
                {evidence.posts.map((p) => (
                  <li key={p.id}>
                    <a href={`/posts/${p.id}`}>{(p.text || '').slice(0, 160) || p.id}</a>
                    {p.deal && <DealFields deal={p.deal} />}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </PersonCard>
    </li>
  );
}

function ExpertResults({ answer }) {
  return (
    <ol class="results">
      {answer.results.map((hit) => (
        <Expert key={hit.user.id} hit={hit} />
      ))}
    </ol>
  );
}

function DealResults({ answer, filters, onFilter }) {
  const facets = answer.facets || {};
  const active = FACETS.some((f) => filters[f]);
  return (
    <div class="deals">
      <aside class="facets" aria-label={t('filters')}>
        {FACETS.map((facet) => {
          const counts = facets[facet] || {};
          const values = Object.entries(counts).sort((a, b) => b[1] - a[1]);
          if (values.length === 0 && !filters[facet]) return null;
          return (
            <fieldset key={facet}>
              <legend>{t(facet)}</legend>
              <ul>
                {values.map(([value, count]) => (
                  <li key={value}>
                    <button
                      type="button"
                      class="facet"
                      aria-pressed={filters[facet] === value ? 'true' : 'false'}
                      onClick={() => onFilter({ ...filters, [facet]: filters[facet] === value ? '' : value })}
                    >
                      {facet === 'outcome' ? t(`outcome_${value}`) : value} <span class="count">({formatNumber(count)})</span>
                    </button>
                  </li>
                ))}
              </ul>
            </fieldset>
          );
        })}
        {active && (
          <button type="button" onClick={() => onFilter({})}>
            {t('clearFilters')}
          </button>
        )}
      </aside>
      <ol class="results">
        {answer.results.map((hit) => {
          const post = hit.post || hit;
          return (
            <li key={post.id}>
              <PostItem post={post} headingLevel={3} />
            </li>
          );
        })}
      </ol>
    </div>
  );
}

export function Search({ query, params }) {
  const tagMode = params && params.tag;
  const tab = TABS.includes(query.get('tab')) ? query.get('tab') : 'posts';
  const q = query.get('q') || '';
  const filters = {};
  for (const f of FACETS) if (query.get(f)) filters[f] = query.get(f);
  const [text, setText] = useState(q);
  const [state, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(false);
  const key = `${tab}|${q}|${JSON.stringify(filters)}|${tagMode || ''}`;

  useEffect(() => {
    setAnswer(null);
    setError(null);
    if (!q && !tagMode && tab !== 'deals') return;
    setLoading(true);
    const path = `/api/v1/search/${tab}`;
    const queryParams = { q, limit: 20, ...(tab === 'deals' ? filters : {}) };
    if (tagMode) queryParams.hashtag = tagMode;
    api(path, { query: queryParams })
      .then((data) => setAnswer({ ...data, key }))
      .catch(setError)
      .finally(() => setLoading(false));
  }, [key]);

  // An answer of an earlier query (another tab's shape) is never rendered.
  const answer = state && state.key === key ? state : null;
  const go = (nextTab, nextQ, nextFilters) => navigate(searchUrl(nextTab, nextQ, nextFilters));
  return (
    <div class="page">
      <h1>{tagMode ? `#${tagMode}` : t('search')}</h1>
      <form
        role="search"
        class="row search-box"
        onSubmit={(e) => {
          e.preventDefault();
          go(tab, text.trim(), tab === 'deals' ? filters : {});
        }}
      >
        <label for="search-q" class="visually-hidden">
          {t('searchLabel')}
        </label>
        <input id="search-q" type="search" value={text} placeholder={t('searchLabel')} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" class="primary">
          {t('searchButton')}
        </button>
      </form>
      <Tabs
        tabs={TABS.map((id) => ({ id, label: t(tabLabel[id]) }))}
        selected={tagMode ? 'posts' : tab}
        onSelect={(id) => go(id, text.trim() || q, {})}
        label={t('search')}
        idPrefix="search"
      />
      <TabPanel idPrefix="search" selected={tagMode ? 'posts' : tab}>
        <ErrorText error={error} />
        {loading && <p class="muted">{t('loading')}</p>}
        {answer && (
          <p role="status" class="muted">
            {/* Past 1,000 matches the server stops counting: its total is a lower bound. */}
            {t(answer.total_exact === false ? 'resultsAtLeast' : 'results', {
              count: formatNumber(answer.total ?? (answer.results || []).length),
            })}
          </p>
        )}
        {answer && tab === 'posts' && <PostResults answer={answer} />}
        {answer && tab === 'people' && <PeopleResults answer={answer} />}
        {answer && tab === 'experts' && <ExpertResults answer={answer} />}
        {answer && tab === 'deals' && <DealResults answer={answer} filters={filters} onFilter={(f) => go('deals', q, f)} />}
      </TabPanel>
    </div>
  );
}
