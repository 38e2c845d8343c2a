// Questions and answers: the readable questions (all, or only unanswered ones), and a question
// with its replies, the accepted answer marked; the asker accepts a direct reply.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText, RichText, UserLink } from '../components.jsx';
import { formatDate, t } from '../i18n.js';
import { meStore, useStore } from '../store.js';

export function Questions() {
  const [unanswered, setUnanswered] = useState(false);
  const [items, setItems] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setItems(null);
    api('/api/v1/questions', { query: { limit: 30, unanswered: unanswered ? 'true' : undefined } })
      .then((page) => {
        setItems(page.items || []);
        setCursor(page.next_cursor || null);
      })
      .catch(setError);
  }, [unanswered]);
  async function more() {
    const page = await api('/api/v1/questions', { query: { limit: 30, cursor, unanswered: unanswered ? 'true' : undefined } });
    setItems((old) => [...old, ...(page.items || [])]);
    setCursor(page.next_cursor || null);
  }
  return (
    <section aria-labelledby="questions-title">
      <h1 id="questions-title">{t('questions')}</h1>
      <p>
        <a href="/quizzes">{t('quizzes')}</a>
      </p>
      <button type="button" aria-pressed={unanswered ? 'true' : 'false'} onClick={() => setUnanswered(!unanswered)}>
        {t('unansweredFilter')}
      </button>
      <ErrorText error={error} />
      {!items && !error && <p>{t('loading')}</p>}
      {items && items.length === 0 && <p>{t('empty')}</p>}
      {items && items.length > 0 && (
        <ul class="question-list" aria-label={unanswered ? t('unansweredQuestions') : t('questions')}>
          {items.map((q) => (
            <li key={q.id}>
              <a href={`/questions/${q.id}`}>{q.text.length > 140 ? `${q.text.slice(0, 140)}…` : q.text}</a>
              <span class="muted">
                {' '}
                · {(q.author && q.author.display_name) || ''} · {t('repliesCount', { count: q.replies_count || 0 })}
                {q.accepted_answer_id ? ` · ${t('answered')}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={more}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}

export function Question({ params }) {
  const me = useStore(meStore);
  const [question, setQuestion] = useState(null);
  const [replies, setReplies] = useState([]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  useEffect(() => {
    api(`/api/v1/posts/${encodeURIComponent(params.id)}`).then(setQuestion).catch(setError);
    api(`/api/v1/posts/${encodeURIComponent(params.id)}/replies`, { query: { limit: 100 } })
      .then((page) => setReplies(page.items || []))
      .catch(() => {});
  }, [params.id]);
  async function accept(reply) {
    setError(null);
    try {
      const updated = await api(`/api/v1/posts/${question.id}/accept`, { method: 'POST', body: { reply_id: reply.id } });
      setQuestion(updated || { ...question, accepted_answer_id: reply.id });
      setNotice(t('acceptedNotice'));
    } catch (e) {
      setError(e);
    }
  }
  if (error && !question) return <ErrorText error={error.status === 404 ? t('notFound') : error} />;
  if (!question) return <p>{t('loading')}</p>;
  const asker = me && question.author && me.id === question.author.id;
  return (
    <article aria-labelledby="question-title" class="question">
      <p>
        <a href="/questions">{t('questions')}</a>
      </p>
      <h1 id="question-title">{t('question')}</h1>
      <p class="muted">
        <UserLink user={question.author} /> · {formatDate(question.created_at)}
      </p>
      <div class="question-text">
        <RichText text={question.text} />
      </div>
      <ErrorText error={error} />
      <p role="status">{notice}</p>
      <h2>{t('repliesCount', { count: replies.length })}</h2>
      <ul class="answers">
        {replies.map((reply) => {
          const accepted = question.accepted_answer_id === reply.id;
          const name = (reply.author && reply.author.display_name) || '';
          return (
            <li key={reply.id} class={accepted ? 'answer accepted' : 'answer'} aria-label={accepted ? t('acceptedAnswerBy', { name }) : t('answerBy', { name })}>
              {accepted && <p class="accepted-mark">✔ {t('acceptedAnswer')}</p>}
              <p class="muted">
                <UserLink user={reply.author} /> · {formatDate(reply.created_at)}
              </p>
              <RichText text={reply.text} />
              {asker && !accepted && String(reply.in_reply_to) === String(question.id) && (
                <button type="button" onClick={() => accept(reply)} aria-label={t('acceptAnswerBy', { name })}>
                  {t('accept')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </article>
  );
}
