"""The metrics a handler records (context.metrics): shipped to the frontend with each batch's answers
and served on the Prometheus endpoint, labelled by model."""


class MetricsCache:
    def __init__(self, model_name):
        self.model_name = model_name
        self.request_ids = None
        self._pending = []

    def _add(self, name, value, unit, kind, dimensions=None):
        dims = {}
        for d in dimensions or []:
            # TorchServe's Dimension objects have name/value; plain pairs and dicts are accepted too.
            if isinstance(d, dict):
                dims.update({str(k): str(v) for k, v in d.items()})
            elif hasattr(d, "name") and hasattr(d, "value"):
                dims[str(d.name)] = str(d.value)
            elif isinstance(d, (list, tuple)) and len(d) == 2:
                dims[str(d[0])] = str(d[1])
        self._pending.append([str(name), float(value), str(unit), kind, dims])

    def add_time(self, name, value, idx=None, unit="ms", dimensions=None, metric_type="GAUGE"):
        self._add(name, value, unit, metric_type.lower() if isinstance(metric_type, str) else "gauge", dimensions)

    def add_counter(self, name, value, idx=None, dimensions=None):
        self._add(name, value, "count", "counter", dimensions)

    def add_size(self, name, value, idx=None, unit="MB", dimensions=None, metric_type="GAUGE"):
        self._add(name, value, unit, "gauge", dimensions)

    def add_percent(self, name, value, idx=None, dimensions=None, metric_type="GAUGE"):
        self._add(name, value, "percent", "gauge", dimensions)

    def add_metric(self, name, value, unit="count", idx=None, dimensions=None, metric_type="COUNTER"):
        kind = str(getattr(metric_type, "value", metric_type)).lower()
        self._add(name, value, unit, "counter" if kind == "counter" else "gauge", dimensions)

    def take(self):
        out, self._pending = self._pending, []
        return out
