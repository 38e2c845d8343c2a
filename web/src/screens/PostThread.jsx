import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText, PostItem } from '../components.jsx';
import { t } from '../i18n.js';

export function PostThread({ params }) {
  const [post, setPost] = useState(null);
  const [replies, setReplies] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => {
    api(`/api/v1/posts/${encodeURIComponent(params.id)}`)
      .then(setPost)
      .catch(setError);
    api(`/api/v1/posts/${encodeURIComponent(params.id)}/replies`, { query: { limit: 100 } })
      .then((page) => setReplies(page.items || []))
      .catch(() => {});
  }, [params.id]);
  return (
    <div class="page">
      <h1>{t('thread')}</h1>
      <ErrorText error={error && (error.status === 404 ? t('notFound') : error)} />
      {post && <PostItem post={post} />}
      {replies.length > 0 && (
        <section aria-label={t('replies', { count: replies.length })} class="replies">
          {replies.map((reply) => (
            <PostItem key={reply.id} post={reply} headingLevel={3} />
          ))}
        </section>
      )}
    </div>
  );
}
