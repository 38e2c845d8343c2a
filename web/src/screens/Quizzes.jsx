// Skill quizzes (QCM): the quizzes the caller may take, and one quiz to take: a checkbox per
// choice, then the score, whether it passed, and each question's explanation.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText } from '../components.jsx';
import { formatNumber, t } from '../i18n.js';

const pct = (score) => `${formatNumber(Math.round(Number(score || 0) * 1000) / 10)} %`;

export function Quizzes() {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/api/v1/quizzes', { query: { limit: 50 } })
      .then((page) => setItems(page.items || []))
      .catch(setError);
  }, []);
  return (
    <section aria-labelledby="quizzes-title">
      <p>
        <a href="/questions">{t('questions')}</a>
      </p>
      <h1 id="quizzes-title">{t('quizzes')}</h1>
      <ErrorText error={error} />
      {!items && !error && <p>{t('loading')}</p>}
      {items && items.length === 0 && <p>{t('empty')}</p>}
      {items && items.length > 0 && (
        <ul class="question-list">
          {items.map((quiz) => (
            <li key={quiz.id}>
              <a href={`/quizzes/${quiz.id}`}>{quiz.title}</a>
              <span class="muted">
                {' '}
                · {t('skill')}: {quiz.skill} · {t('questionsCount', { count: quiz.questions_count || 0 })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Quiz({ params }) {
  const [quiz, setQuiz] = useState(null);
  const [answers, setAnswers] = useState([]);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api(`/api/v1/quizzes/${encodeURIComponent(params.id)}`)
      .then((q) => {
        setQuiz(q);
        setAnswers((q.questions || []).map(() => []));
      })
      .catch(setError);
  }, [params.id]);
  function toggle(qi, ci, checked) {
    setAnswers((old) =>
      old.map((chosen, i) => (i !== qi ? chosen : checked ? [...chosen.filter((c) => c !== ci), ci].sort((a, b) => a - b) : chosen.filter((c) => c !== ci))),
    );
  }
  async function submit(event) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const r = await api(`/api/v1/quizzes/${quiz.id}/attempts`, { method: 'POST', body: { answers } });
      setResult(r);
      const heading = document.getElementById('quiz-result');
      if (heading) heading.focus();
    } catch (e) {
      setError(e.status === 429 ? t('tooManyAttempts') : e);
    } finally {
      setBusy(false);
    }
  }
  if (error && !quiz) return <ErrorText error={error.status === 404 ? t('notFound') : error} />;
  if (!quiz) return <p>{t('loading')}</p>;
  return (
    <section aria-labelledby="quiz-title">
      <p>
        <a href="/quizzes">{t('quizzes')}</a>
      </p>
      <h1 id="quiz-title">{quiz.title}</h1>
      {quiz.description && <p>{quiz.description}</p>}
      <p class="muted">
        {t('skill')}: {quiz.skill} · {t('passMark', { mark: pct(quiz.pass_mark) })}
        {quiz.best_score !== null && quiz.best_score !== undefined && ` · ${t('bestScore', { score: pct(quiz.best_score) })}`}
      </p>
      <div role="status">
        {result && (
          <div class={result.passed ? 'quiz-result passed' : 'quiz-result'}>
            <h2 id="quiz-result" tabIndex={-1}>
              {t('yourScore', { score: pct(result.score) })} — {result.passed ? t('quizPassed') : t('quizFailed')}
            </h2>
            {result.skill_verified && <p>{t('skillVerified', { skill: quiz.skill })}</p>}
          </div>
        )}
      </div>
      <ErrorText error={error} />
      <form onSubmit={submit}>
        {(quiz.questions || []).map((question, qi) => {
          const r = result && result.results && result.results[qi];
          return (
            <fieldset key={qi} class="quiz-question">
              <legend>
                {qi + 1}. {question.text}
              </legend>
              {question.choices.map((choice, ci) => (
                <label key={ci} class="choice">
                  <input type="checkbox" checked={(answers[qi] || []).includes(ci)} onChange={(e) => toggle(qi, ci, e.currentTarget.checked)} disabled={!!result} />{' '}
                  {choice}
                </label>
              ))}
              {r && (
                <p class={r.correct ? 'ok' : 'wrong'}>
                  <strong>{r.correct ? t('correct') : t('incorrect')}</strong>
                  {!r.correct && r.expected && ` ${t('expected', { choices: r.expected.map((i) => question.choices[i]).join(', ') })}`}
                  {r.explanation && ` — ${r.explanation}`}
                </p>
              )}
            </fieldset>
          );
        })}
        {!result ? (
          <button type="submit" disabled={busy}>
            {t('submitQuiz')}
          </button>
        ) : (
          <button
            type="button"
            onClick={() => {
              setResult(null);
              setAnswers((quiz.questions || []).map(() => []));
            }}
          >
            {t('tryAgain')}
          </button>
        )}
      </form>
    </section>
  );
}
