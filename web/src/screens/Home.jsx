import { useState } from 'preact/hooks';
import { Composer, Stream } from '../components.jsx';
import { t } from '../i18n.js';

export function Home({ me }) {
  const [tick, setTick] = useState(0);
  return (
    <div class="page">
      <h1>{t('home')}</h1>
      {/* Guests post only in their communities. */}
      {me && !me.guest && <Composer onPosted={() => setTick((n) => n + 1)} />}
      <Stream key={tick} source="/api/v1/feeds/home?limit=20" live label={t('home')} />
    </div>
  );
}
