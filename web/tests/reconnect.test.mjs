// The live stream's reconnect policy (src/reconnect.js): node --test web/tests/
import assert from 'node:assert/strict';
import test from 'node:test';
import { delayAfterClose, doubled, jittered } from '../src/reconnect.js';

test('a stream refused with 1013 keeps backing off although it opened', () => {
  let delay = 1000;
  for (let i = 0; i < 3; i++) delay = doubled(delayAfterClose(delay, true, 1013));
  assert.equal(delay, 8000);
});

test('a stream that opened and ended otherwise starts again from one second', () => {
  assert.equal(delayAfterClose(16000, true, 1006), 1000);
});

test('connections that never opened back off up to 30 s', () => {
  let delay = 1000;
  for (let i = 0; i < 10; i++) delay = doubled(delayAfterClose(delay, false, 1006));
  assert.equal(delay, 30000);
});

test('waits are spread between the delay and twice it', () => {
  assert.equal(jittered(1000, 0), 1000);
  assert.equal(jittered(1000, 0.5), 1500);
  assert.ok(jittered(1000, 0.999) < 2000);
});
