// The calibration server (a real `mlserve serve` child on loopback) refusing what calibrate asks
// of it: its answer comes back as MLS_ERR_CALIBRATE_SERVER_FAILED naming the request and status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlsError } from '../../src/errors.js';
import { startCalibrationServer } from '../../src/calibrate/server-control.js';

test('MLS_ERR_CALIBRATE_SERVER_FAILED: the server refuses to register a folder that is no archive', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-cal-'));
  const server = await startCalibrationServer();
  try {
    const notAnArchive = join(dir, 'empty');
    await mkdir(notAnArchive);
    await assert.rejects(server.load('a', notAnArchive, { batchSize: 1, maxBatchDelay: 5, workers: 1 }), (e) => {
      assert.ok(e instanceof MlsError);
      assert.equal(e.code, 'MLS_ERR_CALIBRATE_SERVER_FAILED');
      assert.match(e.message, /POST .*models.* 4\d\d/s);
      return true;
    });
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
