// A gRPC call's deadline (grpc-timeout: a wall-clock Date or epoch ms) becomes the queue's expiry
// on the server's monotonic clock, through Clock.epochMs: checked on a FakeClock whose two readings
// differ, so mixing them up fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerUnaryCall } from '@grpc/grpc-js';
import { expiresAt } from '../../src/serve/grpc/calls.js';
import { FakeClock } from '../helpers/fake-clock.js';

const callWith = (deadline: Date | number) => ({ getDeadline: () => deadline }) as unknown as ServerUnaryCall<unknown, unknown>;

test('a deadline 250 ms away expires 250 ms from now on the queue clock; none means no expiry', () => {
  const clock = new FakeClock(5000, 1_733_000_000_000);
  assert.equal(expiresAt(callWith(new Date(clock.epochMs() + 250)), clock), 5250);
  assert.equal(expiresAt(callWith(clock.epochMs() - 10), clock), 4990, 'already past: the queue drops it at once');
  clock.advance(1000);
  assert.equal(expiresAt(callWith(clock.epochMs() + 250), clock), 6250);
  assert.equal(expiresAt(callWith(Infinity), clock), undefined);
});
