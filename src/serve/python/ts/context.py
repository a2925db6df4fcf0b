"""The context a handler receives: model facts, per-request headers and per-request answers."""


class RequestProcessor:
    """One request of a batch: its headers in, its status and headers out."""

    def __init__(self, request_header):
        self._request_header = request_header
        self._status_code = 200
        self._reason_phrase = None
        self._response_header = {}

    def get_request_property(self, key):
        # mlserve's frontend hands header names in lower case; handlers often ask for "X-Header".
        value = self._request_header.get(key)
        return self._request_header.get(key.lower()) if value is None and isinstance(key, str) else value

    def get_request_properties(self):
        return self._request_header

    def report_status(self, code, reason_phrase=None):
        self._status_code = code
        self._reason_phrase = reason_phrase

    def get_response_status_code(self):
        return self._status_code

    def get_response_status_phrase(self):
        return self._reason_phrase

    def add_response_property(self, key, value):
        self._response_header[key] = value

    def get_response_headers(self):
        return self._response_header

    def get_response_header(self, key):
        return self._response_header.get(key)


class Context:
    """What TorchServe hands to initialize() and handle(): see its custom service documentation."""

    def __init__(self, model_name, model_dir, manifest, batch_size, gpu, server_version,
                 limit_max_image_pixels=True, metrics=None, model_yaml_config=None):
        self.model_name = model_name
        self.manifest = manifest
        self._system_properties = {
            "model_dir": model_dir,
            "gpu_id": gpu,
            "batch_size": batch_size,
            "server_name": "MMS",
            "server_version": server_version,
            "limit_max_image_pixels": limit_max_image_pixels,
        }
        self.model_yaml_config = model_yaml_config or {}
        self.request_ids = None
        self._request_processor = None
        self.metrics = metrics
        self.cl_socket = None

    @property
    def system_properties(self):
        return self._system_properties

    @property
    def request_processor(self):
        return self._request_processor

    @request_processor.setter
    def request_processor(self, value):
        self._request_processor = value

    def get_request_id(self, idx=0):
        return None if self.request_ids is None else self.request_ids.get(idx)

    def get_request_header(self, idx, key):
        return self._request_processor[idx].get_request_property(key)

    def get_all_request_header(self, idx):
        return self._request_processor[idx].get_request_properties()

    def set_response_content_type(self, idx, value):
        self.set_response_header(idx, "content-type", value)

    def get_response_content_type(self, idx):
        return self.get_response_headers(idx).get("content-type")

    def get_response_status(self, idx):
        p = self._request_processor[idx]
        return p.get_response_status_code(), p.get_response_status_phrase()

    def set_response_status(self, code=200, phrase="", idx=0):
        if self._request_processor is not None and self._request_processor[idx] is not None:
            self._request_processor[idx].report_status(code, reason_phrase=phrase)

    def set_all_response_status(self, code=200, phrase=""):
        for p in self._request_processor:
            p.report_status(code, reason_phrase=phrase)

    def get_response_headers(self, idx):
        return self._request_processor[idx].get_response_headers()

    def set_response_header(self, idx, key, value):
        self._request_processor[idx].add_response_property(key, value)
