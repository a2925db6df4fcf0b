"""mlserve's Python worker: TorchServe's handler contract behind mlserve's binary frames."""
