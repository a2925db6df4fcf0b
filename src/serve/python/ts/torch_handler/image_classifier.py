"""ImageClassifier: VisionHandler with ImageNet's resize/crop/normalize, top-k softmax labels."""
from ts.torch_handler.vision_handler import VisionHandler
from ts.utils.util import map_class_to_label


def _transforms():
    from torchvision import transforms

    return transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])


class ImageClassifier(VisionHandler):
    topk = 5

    def initialize(self, context):
        self.image_processing = _transforms()
        super().initialize(context)

    def set_max_result_classes(self, topk):
        self.topk = topk

    def get_max_result_classes(self):
        return self.topk

    def postprocess(self, data):
        import torch.nn.functional as F

        ps = F.softmax(data, dim=1)
        probs, classes = ps.topk(min(self.topk, ps.shape[1]), dim=1)
        return map_class_to_label(probs.tolist(), self.mapping, classes.tolist())
