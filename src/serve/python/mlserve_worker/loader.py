"""Handler resolution as TorchServe's model loader does it.

`handler` names a file of the archive (`handler.py`, `handler`, `dir/handler.py`) or one of the
`ts.torch_handler` built-ins (`image_classifier`, `base_handler`, ...), optionally followed by
`:function`. In the module, a function entry point wins (the one named, else a module-level
`handle(data, context)`, MMS style, called once with `data=None` to initialize); otherwise the
module must define exactly one class, which is instantiated and initialized with the context.
"""
import importlib
import importlib.util
import inspect
import os
import sys


class HandlerError(Exception):
    """The handler cannot be used: the message is shown to whoever registered the model."""


def _split(handler):
    # "handler.py:fn" → ("handler.py", "fn"); a Windows drive letter is not a function suffix.
    colon = handler.rfind(":")
    if colon > 1:
        return handler[:colon], handler[colon + 1:]
    return handler, None


def _import_module(module_part, model_dir):
    name = module_part[:-3] if module_part.endswith(".py") else module_part
    path = os.path.realpath(os.path.join(model_dir, name + ".py"))
    root = os.path.realpath(model_dir)
    if not path.startswith(root + os.sep):
        raise HandlerError("handler %s points outside the archive" % module_part)
    if os.path.isfile(path):
        # The archive's folder is importable (handlers import their siblings, as on TorchServe).
        folder = os.path.dirname(path)
        for p in (folder, root):
            if p not in sys.path:
                sys.path.insert(0, p)
        mod_name = os.path.basename(name).replace("-", "_")
        spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        spec.loader.exec_module(module)
        return module
    if "/" not in name and "." not in name:
        try:
            return importlib.import_module("ts.torch_handler." + name)
        except ModuleNotFoundError as e:
            if e.name != "ts.torch_handler." + name:
                raise
    raise HandlerError(
        'handler "%s" is neither a file in the archive nor a built-in handler '
        "(base_handler, image_classifier, ...)" % module_part
    )


def _classes_of(module):
    return [c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__]


def _staged(obj):
    """A handle() made of preprocess / inference / postprocess, for classes that define no handle."""

    def handle(data, context):
        if data is None:
            return None
        out = obj.preprocess(data) if hasattr(obj, "preprocess") else data
        out = obj.inference(out) if hasattr(obj, "inference") else out
        return obj.postprocess(out) if hasattr(obj, "postprocess") else out

    return handle


def load_entry_point(handler, model_dir, context):
    """Imports the handler and initializes it; returns handle(data, context)."""
    module_part, fn_name = _split(handler)
    module = _import_module(module_part, model_dir)
    fn = getattr(module, fn_name or "handle", None)
    if fn_name and not callable(fn):
        raise HandlerError("handler %s has no function %s" % (module_part, fn_name))
    if callable(fn) and not inspect.isclass(fn):
        fn(None, context)  # MMS / TorchServe function handlers initialize on a call without data
        return fn
    classes = _classes_of(module)
    if len(classes) != 1:
        raise HandlerError(
            "handler %s must define exactly one class or a handle(data, context) function (found %d classes)"
            % (module_part, len(classes))
        )
    obj = classes[0]()
    if hasattr(obj, "initialize"):
        obj.initialize(context)
    if hasattr(obj, "handle"):
        return obj.handle
    if not any(hasattr(obj, s) for s in ("preprocess", "inference", "postprocess")):
        raise HandlerError("class %s has none of handle, preprocess, inference, postprocess" % classes[0].__name__)
    return _staged(obj)
