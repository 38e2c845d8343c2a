// When the live stream reconnects. The server closes with 1013 when it is too busy to take a
// stream on (a reconnect storm) or the client fell behind: clients all waiting the same fixed
// delay would come back together, so each wait is randomised (between the delay and twice
// it) and the delay doubles after each failed or refused connection, up to 30 s. A connection
// that opened and later ended for another reason starts again from 1 s.
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30000;
export const CLOSE_TRY_AGAIN = 1013;

// The delay to back off from after a close: `opened` whether the socket had opened, `code`
// its close code. A 1013 refusal opens first, and must still back off.
export function delayAfterClose(delay, opened, code) {
  return opened && code !== CLOSE_TRY_AGAIN ? FIRST_DELAY_MS : delay;
}

export function doubled(delay) {
  return Math.min(delay * 2, MAX_DELAY_MS);
}

// How long to wait before reconnecting at `delay`; `random` is in [0, 1).
export function jittered(delay, random = Math.random()) {
  return Math.round(delay * (1 + random));
}
