import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText } from '../components.jsx';
import { t } from '../i18n.js';

// What an import did or would do: the counts, the changes and the bad rows with their lines.
function ImportReport({ report }) {
  const counts = t(report.dry_run ? 'importWouldDo' : 'importDid', {
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    deactivated: report.deactivated,
  });
  return (
    <section aria-labelledby="import-report">
      <h2 id="import-report">{report.dry_run ? t('importDryRunTitle') : t('importDoneTitle')}</h2>
      <p role="status">{counts}</p>
      {report.changes.length > 0 && (
        <table class="table">
          <caption>{t('importChanges')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('importLine')}</th>
              <th scope="col">{t('username')}</th>
              <th scope="col">{t('action')}</th>
              <th scope="col">{t('importFields')}</th>
            </tr>
          </thead>
          <tbody>
            {report.changes.map((c) => (
              <tr key={`${c.line}-${c.username}`}>
                <td>{c.line || '—'}</td>
                <td>{c.username}</td>
                <td>{t(`importAction_${c.action}`)}</td>
                <td>{c.fields.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.errors.length > 0 && (
        <table class="table">
          <caption>{t('importErrors')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('importLine')}</th>
              <th scope="col">{t('importCode')}</th>
              <th scope="col">{t('importReason')}</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((e) => (
              <tr key={`${e.line}-${e.code}-${e.message}`}>
                <td>{e.line || '—'}</td>
                <td>{e.code}</td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// Admins: people from an HR export (CSV). A dry run first shows what would change; then apply.
export function AdminImport({ me }) {
  const admin = me && (me.roles || []).includes('admin');
  const [text, setText] = useState(null);
  const [deactivateMissing, setDeactivateMissing] = useState(false);
  const [report, setReport] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  async function choose(event) {
    setReport(null);
    setError(null);
    const file = event.currentTarget.files[0];
    setText(file ? await file.text() : null);
  }

  async function run(dryRun) {
    setBusy(true);
    setError(null);
    try {
      setReport(
        await api('/api/v1/admin/people/import', {
          method: 'POST',
          text,
          contentType: 'text/csv',
          query: { dry_run: dryRun, deactivate_missing: deactivateMissing },
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (!admin) {
    return (
      <div class="page">
        <h1>{t('importPeople')}</h1>
        <p class="muted">{t('notFound')}</p>
      </div>
    );
  }
  return (
    <div class="page">
      <h1>{t('importPeople')}</h1>
      <p>{t('importHelp')}</p>
      <form class="card" onSubmit={(e) => e.preventDefault()}>
        <p>
          <label>
            {t('importFile')}
            <input type="file" accept=".csv,text/csv" onChange={choose} />
          </label>
        </p>
        <p>
          <label>
            <input
              type="checkbox"
              checked={deactivateMissing}
              onChange={(e) => setDeactivateMissing(e.currentTarget.checked)}
            />{' '}
            {t('importDeactivateMissing')}
          </label>
        </p>
        <p>
          <button type="button" disabled={!text || busy} onClick={() => run(true)}>
            {t('importCheck')}
          </button>{' '}
          <button
            type="button"
            class="primary"
            disabled={!text || busy || !report || !report.dry_run}
            onClick={() => run(false)}
          >
            {t('importApply')}
          </button>
        </p>
      </form>
      <ErrorText error={error} />
      {report && <ImportReport report={report} />}
    </div>
  );
}
