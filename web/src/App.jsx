import { useEffect, useRef, useState } from 'preact/hooks';
import { api, getToken, logout, onTokenChange } from './api.js';
import { currentLang, formatDate, onLangChange, setLang, t } from './i18n.js';
import { onLive, onLiveStatus, startLive, stopLive } from './live.js';
import { matchPath, useLocation } from './router.js';
import { guestNavigation, navigation, routes } from './routes.js';
import { DealWonToast } from './screens/Campaigns.jsx';
import { SignIn } from './screens/SignIn.jsx';
import { meStore, refreshUnread, unreadStore, useStore } from './store.js';


function LanguageSwitch() {
  const other = currentLang() === 'fr' ? 'en' : 'fr';
  return (
    <button
      type="button"
      class="link-button"
      lang={other}
      aria-label={t('switchLanguageLabel')}
      onClick={() => setLang(other)}
    >
      {t('switchLanguage')}
    </button>
  );
}

function Nav({ section }) {
  const me = useStore(meStore);
  const unread = useStore(unreadStore);
  const href = {
    home: '/',
    communities: '/communities',
    campaigns: '/campaigns',
    questions: '/questions',
    search: '/search',
    notifications: '/notifications',
    profile: me ? `/people/@${me.username}` : '/',
  };
  return (
    <nav aria-label={t('nav')} class="main-nav">
      <ul>
        {(me && me.guest ? guestNavigation : navigation).map((key) => {
          const label =
            key === 'notifications' && unread > 0
              ? t('notificationsCount', { count: unread })
              : t(key);
          return (
            <li key={key}>
              <a href={href[key]} aria-current={section === key ? 'page' : undefined}>
                {key === 'notifications' ? (
                  <>
                    <span aria-hidden="true">{t('notifications')}</span>
                    {unread > 0 && (
                      <span class="badge" aria-hidden="true">
                        {unread}
                      </span>
                    )}
                    <span class="visually-hidden">{label}</span>
                  </>
                ) : (
                  label
                )}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function Shell({ children, section }) {
  const me = useStore(meStore);
  const [live, setLive] = useState('closed');
  useEffect(() => onLiveStatus(setLive), []);
  return (
    <>
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main').focus();
        }}
      >
        {t('skip')}
      </a>
      <header class="top">
        <a class="brand" href="/">
          {t('appName')}
        </a>
        <Nav section={section} />
        <div class="top-tools">
          <span class={`live-dot ${live}`} role="status">
            <span class="visually-hidden">{live === 'open' ? t('live') : t('liveOff')}</span>
          </span>
          <LanguageSwitch />
          {me && <span class="me-name">{me.display_name}</span>}
          {me && (me.roles || []).includes('admin') && (
            <a href="/admin/people" aria-current={section === 'admin' ? 'page' : undefined}>
              {t('adminPeopleLink')}
            </a>
          )}
          <a href="/settings" aria-current={section === 'settings' ? 'page' : undefined}>
            {t('settings')}
          </a>
          {me && me.guest && (
            <span class="tag guest-badge">{t('guestUntil', { date: formatDate(me.guest_until) })}</span>
          )}
          <button type="button" onClick={() => logout()}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <DealWonToast />
    </>
  );
}

export function App() {
  const [token, setTokenState] = useState(getToken());
  const [, setLangTick] = useState(0);
  const { path, query } = useLocation();
  const me = useStore(meStore);
  const mainFocus = useRef(path);

  useEffect(() => onTokenChange(setTokenState), []);
  useEffect(() => onLangChange(() => setLangTick((n) => n + 1)), []);

  useEffect(() => {
    if (!token) {
      stopLive();
      meStore.set(null);
      unreadStore.set(0);
      return undefined;
    }
    let cancelled = false;
    api('/api/v1/me')
      .then((user) => !cancelled && meStore.set(user))
      .catch(() => {});
    refreshUnread();
    startLive();
    const off = onLive((event) => {
      if (event.type === 'notification' || event.type === 'reconnecting') refreshUnread();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [token]);

  // A new screen moves focus to its content, as a page load would for screen readers.
  useEffect(() => {
    if (mainFocus.current === path) return;
    mainFocus.current = path;
    const main = document.getElementById('main');
    if (main) main.focus({ preventScroll: true });
  }, [path]);

  if (!token) return <SignIn />;

  let screen = null;
  for (const route of routes) {
    // A guest reaches only the screens marked for them; the rest is not found, as in the API.
    if (me && me.guest && !route.guest) continue;
    const params = matchPath(route.path, path);
    if (params) {
      const Screen = route.component;
      screen = { node: <Screen params={params} query={query} me={me} key={path} />, route };
      break;
    }
  }
  const section = screen ? screen.route.nav || screen.route.section : '';
  return (
    <Shell section={section}>
      {screen ? (
        screen.node
      ) : (
        <section>
          <h1>{t('notFound')}</h1>
        </section>
      )}
    </Shell>
  );
}
