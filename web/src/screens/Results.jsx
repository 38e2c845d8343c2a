// Monthly results: won amounts per region, team, product or person for a month, drawn as an
// inline SVG bar chart with the same figures in a table beside it (for screen readers), and
// the month's totals with the win rate and the change against the previous month.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText, TabPanel, Tabs } from '../components.jsx';
import { formatAmount, formatNumber, t } from '../i18n.js';

function thisMonth() {
  return new Date().toISOString().slice(0, 7);
}

function rowName(row) {
  const person = row.user || row.manager;
  if (person) return person.display_name || person.username || row.key;
  return row.key || '';
}

function percent(rate) {
  if (rate === undefined || rate === null) return '–';
  return `${formatNumber(Math.round(Number(rate) * 1000) / 10)} %`;
}

function change(comparison) {
  const value = comparison && comparison.won_amount_change;
  if (value === undefined || value === null) return '–';
  const p = Math.round(Number(value) * 1000) / 10;
  return `${p > 0 ? '+' : ''}${formatNumber(p)} %`;
}

function Chart({ rows, currency, title }) {
  const max = Math.max(1, ...rows.map((row) => Number(row.won_amount) || 0));
  const barHeight = 22;
  const gap = 8;
  const labelWidth = 150;
  const width = 520;
  const height = rows.length * (barHeight + gap) + gap;
  return (
    <svg class="bar-chart" role="img" aria-label={title} viewBox={`0 0 ${width} ${height}`} width={width} height={height}>
      {rows.map((row, i) => {
        const y = gap + i * (barHeight + gap);
        const w = Math.max(1, ((Number(row.won_amount) || 0) / max) * (width - labelWidth - 10));
        return (
          <g key={row.key}>
            <text x={labelWidth - 6} y={y + barHeight * 0.7} text-anchor="end" class="bar-label">
              {rowName(row).slice(0, 20)}
            </text>
            <rect x={labelWidth} y={y} width={w} height={barHeight} rx="3" class="bar" />
            <title>{`${rowName(row)}: ${formatAmount(row.won_amount, currency)}`}</title>
          </g>
        );
      })}
    </svg>
  );
}

export function Results() {
  const [month, setMonth] = useState(thisMonth());
  const [by, setBy] = useState('region');
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setError(null);
    api('/api/v1/results/monthly', { query: { month, by } })
      .then(setData)
      .catch(setError);
  }, [month, by]);
  const tabs = ['region', 'team', 'product', 'person'].map((key) => ({ id: key, label: t(`res_${key}`) }));
  const rows = (data && data.rows) || [];
  const totals = data && data.totals;
  const currency = data && data.currency;
  return (
    <section aria-labelledby="results-title">
      <p>
        <a href="/campaigns">{t('campaigns')}</a>
      </p>
      <h1 id="results-title">{t('monthlyResults')}</h1>
      <label>
        {t('month')}{' '}
        <input type="month" value={month} onChange={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)} />
      </label>
      <Tabs tabs={tabs} selected={by} onSelect={setBy} label={t('resultsBy')} idPrefix="results" />
      <TabPanel idPrefix="results" selected={by}>
        <ErrorText error={error} />
        {!data && !error && <p>{t('loading')}</p>}
        {totals && (
          <dl class="totals">
            <div>
              <dt>{t('wonAmount')}</dt>
              <dd>{formatAmount(totals.won_amount, currency)}</dd>
            </div>
            <div>
              <dt>{t('wonLost')}</dt>
              <dd>
                {formatNumber(totals.won_count)} / {formatNumber(totals.lost_count)}
              </dd>
            </div>
            <div>
              <dt>{t('winRate')}</dt>
              <dd>{percent(totals.win_rate)}</dd>
            </div>
            <div>
              <dt>{t('vsPrevious')}</dt>
              <dd>{change(totals.vs_previous_month)}</dd>
            </div>
          </dl>
        )}
        {data && rows.length === 0 && <p>{t('empty')}</p>}
        {rows.length > 0 && (
          <div class="chart-row">
            <Chart rows={rows} currency={currency} title={t('chartTitle', { month })} />
            <table class="results-table">
              <caption>{t('chartTitle', { month })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(`res_${by}`)}</th>
                  <th scope="col">{t('wonAmount')}</th>
                  <th scope="col">{t('wonLost')}</th>
                  <th scope="col">{t('winRate')}</th>
                  <th scope="col">{t('vsPrevious')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.key}>
                    <th scope="row">{rowName(row)}</th>
                    <td class="num">{formatAmount(row.won_amount, currency)}</td>
                    <td class="num">
                      {formatNumber(row.won_count)} / {formatNumber(row.lost_count)}
                    </td>
                    <td class="num">{percent(row.win_rate)}</td>
                    <td class="num">{change(row.vs_previous_month)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </TabPanel>
    </section>
  );
}
