// Server-wide figures behind TorchServe's host-level metrics (metrics.yaml's Level="Host" families):
// answers by status class on every listener (Requests2XX/4XX/5XX) and the last values of the
// QueueTime and WorkerThreadTime gauges. Plain numbers bumped on the request path and read when
// metrics are scraped or logged, so counting costs an addition, not a label lookup.
export class HostStats {
  requests2xx = 0;
  requests4xx = 0;
  requests5xx = 0;
  /** Last request's wait in the queue (ms); NaN until one was dispatched. */
  queueTimeMs = NaN;
  /** Last batch's frontend time outside the worker (ms): TorchServe's WorkerThreadTime. */
  workerThreadTimeMs = NaN;

  /** Counts one answer as TorchServe's NettyUtils does: 2xx, 4xx, and everything else as 5XX. */
  count(status: number): void {
    if (status >= 200 && status < 300) this.requests2xx++;
    else if (status >= 400 && status < 500) this.requests4xx++;
    else this.requests5xx++;
  }
}
