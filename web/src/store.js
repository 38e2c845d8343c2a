// Application state shared by screens: who is signed in and the unread notifications count.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

export function createStore(initial) {
  let value = initial;
  const listeners = new Set();
  return {
    get: () => value,
    set(next) {
      value = typeof next === 'function' ? next(value) : next;
      for (const listener of listeners) listener(value);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useStore(store) {
  const [value, setValue] = useState(store.get());
  useEffect(() => {
    setValue(store.get());
    return store.subscribe(setValue);
  }, [store]);
  return value;
}

export const meStore = createStore(null);
export const unreadStore = createStore(0);

export async function refreshUnread() {
  try {
    const answer = await api('/api/v1/notifications/unread_count');
    unreadStore.set(answer.count || 0);
  } catch {
    /* the badge keeps its last value */
  }
}
