"""Helpers TorchServe handlers import from ts.utils.util."""
import inspect
import json
import logging
import os

logger = logging.getLogger(__name__)


class PredictionException(Exception):
    """Raised by a handler to answer the whole batch with `error_code` (an HTTP status) and `message`."""

    def __init__(self, message, error_code=500):
        self.message = message
        self.error_code = error_code
        super().__init__(message)

    def __str__(self):
        return "%s : %s" % (self.message, self.error_code)


def list_classes_from_module(module, parent_class=None):
    """The classes defined in `module` itself (not imported into it), optionally subclasses of parent_class."""
    classes = [c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__]
    if parent_class is not None:
        classes = [c for c in classes if issubclass(c, parent_class)]
    return classes


def load_label_mapping(mapping_file_path):
    """index_to_name.json as a dict of str index → label (None when the file is absent)."""
    if not os.path.isfile(mapping_file_path):
        logger.warning("%s is missing: inference output names will not be mapped to labels", mapping_file_path)
        return None
    with open(mapping_file_path) as f:
        mapping = json.load(f)
    if not isinstance(mapping, dict):
        raise TypeError("index_to_name mapping should be in a dict of str index to label")
    first = next(iter(mapping.values()), None)
    if isinstance(first, list) and first and isinstance(first[-1], str):
        mapping = {k: v[-1] for k, v in mapping.items()}  # imagenet style ["n0144", "tench"]
    return mapping


def map_class_to_label(probs, mapping=None, lbl_classes=None):
    """[[p...]] and [[class...]] per request → [{label: p}] per request."""
    if not isinstance(probs, list):
        raise TypeError("Convert classes to list before doing mapping")
    if mapping is not None and not isinstance(mapping, dict):
        raise TypeError("mapping must be a dict")
    if lbl_classes is None:
        lbl_classes = [[str(i) for i in range(len(row))] for row in probs]
    results = []
    for row_probs, row_classes in zip(probs, lbl_classes):
        results.append({
            (mapping.get(str(c), str(c)) if mapping is not None else str(c)): p
            for c, p in zip(row_classes, row_probs)
        })
    return results


def get_yaml_config(yaml_file_path):
    import yaml  # optional: only handlers that read their own yaml need it

    with open(yaml_file_path) as f:
        return yaml.safe_load(f)
