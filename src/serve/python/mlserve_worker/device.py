"""The device a Python worker was given, checked at load (issue 18: run on it, or refuse).

gpu: torch must see CUDA (torch.cuda.is_available()) and the worker's gpu_id; inf: torch-neuron
(inf1) or torch-neuronx (inf2, trn1) must import, with NEURON_RT_VISIBLE_CORES set by the frontend.
When the device cannot be used the load fails with MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE, unless the
server allows a CPU fallback: then gpu_id is dropped and the reason goes back to the frontend,
which says so in the log, describe, metadata and metrics.
"""
import importlib.util


class DeviceUnavailable(Exception):
    pass


def _cuda_problem(gpu_id):
    try:
        import torch
    except ImportError:
        return "torch is not installed in this Python: it cannot run on the GPU"
    if not torch.cuda.is_available():
        return "torch.cuda.is_available() is False in this Python (torch %s): no usable CUDA device" % torch.__version__
    if gpu_id is not None and gpu_id >= torch.cuda.device_count():
        return "gpu_id %d is not among the %d CUDA devices torch sees" % (gpu_id, torch.cuda.device_count())
    return None


def _neuron_problem():
    if importlib.util.find_spec("torch_neuronx") or importlib.util.find_spec("torch_neuron"):
        return None
    return "neither torch_neuronx (inf2, trn1) nor torch_neuron (inf1) is installed in this Python"


def check(req, find_problem=None):
    """Returns (gpu_id to give the handler, why it fell back to the CPU or None); raises DeviceUnavailable."""
    device = req.get("device")
    gpu_id = req.get("gpuId")
    if not device:
        return gpu_id, None
    if find_problem is None:
        find_problem = (lambda: _cuda_problem(gpu_id)) if device["type"] == "gpu" else _neuron_problem
    problem = find_problem()
    if problem is None:
        return gpu_id, None
    if not device.get("allowCpuFallback"):
        raise DeviceUnavailable("MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE: %s (start the server with --allow-cpu-fallback to run on the CPU)" % problem)
    return None, problem
