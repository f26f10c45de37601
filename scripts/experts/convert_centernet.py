"""Converts @vladmandic/human's MobileNetV3-CenterNet (TF.js graph model) to TorchScript.

Usage: convert_centernet.py MODEL_JSON OUT_PT [CHECK_IMAGE]

The saved module takes a [1, 512, 512, 3] float tensor (NHWC, RGB, 0..255, the image resized to 512x512) and returns
a tuple of
  * keypoints [1, 128, 128, 80]: per-class centre heatmap after sigmoid (COCO classes, 0 = person), stride 4;
  * wh        [1, 128, 128, 4]: distances (left, top, right, bottom) from the cell's centre ``(4x, 4y)`` to the
    box edges, in input pixels.
Peak picking, thresholds and NMS are left to the caller (the Java side).

Checks before saving (exit non-zero on failure):
  * decoding keypoints/wh the way the Java side does gives the same top boxes as the graph's own 'detections' head;
  * on CHECK_IMAGE (skimage's astronaut) the strongest peak is class 0, 'person';
  * the traced module, saved and reloaded, reproduces the eager interpreter.
"""

import sys

import numpy as np
import torch
from PIL import Image

from tfjs_graph import TfjsGraphModule

OUTPUTS = ["tower_0/keypoints", "tower_0/wh"]
SIZE = 512
STRIDE = 4


def load_image(path):
    img = Image.open(path).convert("RGB").resize((SIZE, SIZE), Image.BILINEAR)
    return torch.from_numpy(np.asarray(img, dtype=np.float32).copy()).unsqueeze(0)


def decode(keypoints, wh, k=100):
    """Mirrors the graph's own decoder: 3x3 max-pool peaks, top-k over (y, x, class), box = centre -/+ wh."""
    hm = keypoints[0]  # H, W, C
    pooled = torch.nn.functional.max_pool2d(hm.permute(2, 0, 1).unsqueeze(0), 3, 1, 1)[0].permute(1, 2, 0)
    peaks = hm * (hm == pooled).float()
    scores, idx = torch.topk(peaks.reshape(-1), k)
    c = idx % hm.shape[2]
    cell = idx // hm.shape[2]
    y, x = cell // hm.shape[1], cell % hm.shape[1]
    d = wh[0].reshape(-1, 4)[cell]
    cx, cy = x.float() * STRIDE, y.float() * STRIDE
    boxes = torch.stack([cx - d[:, 0], cy - d[:, 1], cx + d[:, 2], cy + d[:, 3]], 1)
    return torch.cat([boxes, scores[:, None], c.float()[:, None]], 1)


def main():
    model_json, out_pt = sys.argv[1], sys.argv[2]
    image = sys.argv[3] if len(sys.argv) > 3 else None
    torch.set_grad_enabled(False)
    full = TfjsGraphModule(model_json, OUTPUTS + ["tower_0/detections"]).eval()
    x = load_image(image) if image else torch.rand(1, SIZE, SIZE, 3) * 255
    kp, wh, det = full(x)
    print("keypoints", tuple(kp.shape), "wh", tuple(wh.shape), "detections", tuple(det.shape))
    mine = decode(kp, wh)
    top = 10
    err = float((mine[:top] - det[0, :top]).abs().max())
    print("java-style decode vs graph detections head (top %d): max abs diff %.3e" % (top, err))
    if err > 1e-3:
        print("FAIL: head layout is not what the decoder assumes", file=sys.stderr)
        sys.exit(1)
    for r in det[0, :5].tolist():
        print("  box (%.0f, %.0f, %.0f, %.0f) score %.3f class %d" % (r[0], r[1], r[2], r[3], r[4], int(r[5])))
    if image and int(det[0, 0, 5]) != 0:
        print("FAIL: strongest detection on %s is class %d, expected 0 (person)" % (image, int(det[0, 0, 5])),
              file=sys.stderr)
        sys.exit(1)

    module = TfjsGraphModule(model_json, OUTPUTS).eval()
    traced = torch.jit.trace(module, (x,), check_trace=False)
    traced.save(out_pt)
    reloaded = torch.jit.load(out_pt)
    kp2, wh2 = reloaded(x)
    err = max(float((kp2 - kp).abs().max()), float((wh2 - wh).abs().max()))
    print("traced vs eager: max abs diff %.3e" % err)
    if err > 1e-4:
        print("FAIL: traced module differs from the interpreter", file=sys.stderr)
        sys.exit(1)
    x2 = torch.rand(1, SIZE, SIZE, 3) * 255  # a traced graph must not have frozen the first input anywhere
    e1, e2 = module(x2), reloaded(x2)
    err = max(float((a - b).abs().max()) for a, b in zip(e1, e2))
    print("traced vs eager on a second input: max abs diff %.3e" % err)
    if err > 1e-4:
        print("FAIL: traced module froze part of its first input", file=sys.stderr)
        sys.exit(1)
    print("saved", out_pt)


if __name__ == "__main__":
    main()
