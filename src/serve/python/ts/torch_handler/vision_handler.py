"""VisionHandler: images (bytes, or base64 text) → a batch tensor through `image_processing`."""
import base64
import io

from ts.torch_handler.base_handler import BaseHandler


class VisionHandler(BaseHandler):
    image_processing = None

    def initialize(self, context):
        super().initialize(context)
        if not context.system_properties.get("limit_max_image_pixels", True):
            from PIL import Image

            Image.MAX_IMAGE_PIXELS = None

    def preprocess(self, data):
        import torch
        from PIL import Image

        images = []
        for row in data:
            image = row.get("data") or row.get("body")
            if isinstance(image, str):
                image = base64.b64decode(image)
            if isinstance(image, (bytes, bytearray)):
                image = Image.open(io.BytesIO(image))
                if image.mode != "RGB":  # PNGs with alpha, greyscale: the ImageNet transforms want 3 channels
                    image = image.convert("RGB")
                image = self.image_processing(image) if self.image_processing else image
            else:
                image = torch.FloatTensor(image)
            images.append(image)
        return torch.stack(images).to(self.device)
