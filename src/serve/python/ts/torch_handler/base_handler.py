"""BaseHandler as TorchServe documents it: initialize loads the model named by the manifest
(TorchScript, eager with a model file, or ONNX through onnxruntime when installed) on the device
gpu_id names; handle runs preprocess → inference → postprocess, or explain_handle for explanation
requests."""
import importlib.util
import logging
import os
import time

from ts.utils.util import list_classes_from_module, load_label_mapping

logger = logging.getLogger(__name__)


def _torch():
    import torch  # imported when a model is loaded: handlers without torch do not need it

    return torch


class BaseHandler:
    def __init__(self):
        self.model = None
        self.mapping = None
        self.device = None
        self.initialized = False
        self.context = None
        self.manifest = None
        self.map_location = None
        self.explain = False
        self.target = 0
        self.model_pt_path = None

    def initialize(self, context):
        properties = context.system_properties
        self.context = context
        self.manifest = context.manifest
        model_dir = properties.get("model_dir")
        gpu_id = properties.get("gpu_id")
        torch = _torch()
        if gpu_id is not None and torch.cuda.is_available():
            self.map_location = "cuda"
            self.device = torch.device("cuda:%s" % gpu_id)
        else:
            self.map_location = "cpu"
            self.device = torch.device("cpu")
        model = self.manifest.get("model", {})
        serialized = model.get("serializedFile")
        self.model_pt_path = os.path.join(model_dir, serialized) if serialized else None
        if model.get("modelFile"):
            self.model = self._load_pickled_model(model_dir, model["modelFile"], self.model_pt_path)
            self.model.to(self.device)
        elif self.model_pt_path and self.model_pt_path.endswith(".onnx"):
            self.model = self._load_onnx(self.model_pt_path)
        elif self.model_pt_path:
            self.model = self._load_torchscript_model(self.model_pt_path)
        if self.model is not None and hasattr(self.model, "eval"):
            self.model.eval()
        self.mapping = load_label_mapping(os.path.join(model_dir, "index_to_name.json"))
        self.initialized = True

    def _load_torchscript_model(self, model_pt_path):
        return _torch().jit.load(model_pt_path, map_location=self.device)

    def _load_onnx(self, path):
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise RuntimeError("this handler's model is ONNX and the Python onnxruntime package is not installed") from e
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if self.map_location == "cuda" else ["CPUExecutionProvider"]
        return ort.InferenceSession(path, providers=providers)

    def _load_pickled_model(self, model_dir, model_file, model_pt_path):
        path = os.path.join(model_dir, model_file)
        if not os.path.isfile(path):
            raise RuntimeError("Missing the model.py file")
        name = os.path.splitext(os.path.basename(model_file))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        classes = list_classes_from_module(module)
        if len(classes) != 1:
            raise ValueError("Expected only one class as model definition. {}".format(classes))
        model = classes[0]()
        if model_pt_path:
            torch = _torch()
            state = torch.load(model_pt_path, map_location=self.device)
            model.load_state_dict(state)
        return model

    def preprocess(self, data):
        return _torch().as_tensor(data, device=self.device)

    def inference(self, data, *args, **kwargs):
        torch = _torch()
        with torch.no_grad():
            return self.model(data.to(self.device), *args, **kwargs)

    def postprocess(self, data):
        return data.tolist()

    def handle(self, data, context):
        start = time.time()
        self.context = context
        pre = self.preprocess(data)
        if not self._is_explain():
            out = self.postprocess(self.inference(pre))
        else:
            out = self.explain_handle(pre, data)
        if context.metrics is not None:
            context.metrics.add_time("HandlerTime", round((time.time() - start) * 1000, 2), None, "ms")
        return out

    def explain_handle(self, data_preprocess, raw_data):
        """Explanations through get_insights(tensor, raw input, target), which subclasses provide."""
        row = raw_data[0]
        inputs, target = None, 0
        if isinstance(row, dict):
            inputs = row.get("data") or row.get("body")
            target = row.get("target") or 0
        return self.get_insights(data_preprocess, inputs, target)

    def _is_explain(self):
        if self.context and self.context.get_request_header(0, "explain") == "True":
            self.explain = True
            return True
        return False
