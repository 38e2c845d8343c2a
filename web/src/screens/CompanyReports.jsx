import { t } from '../i18n.js';
import { ReportsQueue } from './Community.jsx';

// Admins: reports on posts made to the whole company (no community moderators there).
export function CompanyReports({ me }) {
  const admin = me && (me.roles || []).includes('admin');
  return (
    <div class="page">
      <h1>{t('companyReports')}</h1>
      {admin ? <ReportsQueue /> : <p class="muted">{t('notFound')}</p>}
    </div>
  );
}
