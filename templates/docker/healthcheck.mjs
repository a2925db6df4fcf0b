/* global fetch, AbortSignal */
// Docker HEALTHCHECK: healthy when the inference API answers /ping with 200 within 4 s.
// The URL comes from MLSERVE_HEALTH_URL so a container on the host network can move the port.
const url = process.env.MLSERVE_HEALTH_URL || 'http://127.0.0.1:8080/ping';
fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (r) => process.exit(r.ok ? 0 : 1),
  () => process.exit(1),
);
