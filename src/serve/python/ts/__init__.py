"""mlserve's own `ts` package: TorchServe's documented handler API, written for mlserve's Python
workers so that handlers written for TorchServe import and run unchanged. Not TorchServe's code."""
__version__ = "0.12.0"
