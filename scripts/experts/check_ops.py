"""Checks the TF.js interpreter's layout-sensitive ops against plain numpy references of TensorFlow semantics.

Covers what is easy to get wrong when porting TF to PyTorch: 'SAME' padding with the extra pixel after (stride 2,
even input), depthwise weight layout [kh, kw, in, multiplier], and the legacy ResizeBilinear coordinate mode
(align_corners=False, half_pixel_centers=False), which differs from torch's interpolate. Exits non-zero on mismatch.
"""

import sys

import numpy as np
import torch

from tfjs_graph import TfjsGraphModule, resize_bilinear_nhwc, same_padding


def np_conv_same(x, w, stride, depthwise):
    """NHWC conv with TF 'SAME' padding; w is [kh, kw, in, out] or depthwise [kh, kw, in, mult]."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[:2]
    ph, pw = same_padding(h, kh, stride), same_padding(wd, kw, stride)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    oh, ow = -(-h // stride), -(-wd // stride)
    cout = c * w.shape[3] if depthwise else w.shape[3]
    y = np.zeros((n, oh, ow, cout), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]  # n, kh, kw, c
            if depthwise:
                y[:, i, j, :] = np.einsum("nhwc,hwcm->ncm", patch, w).reshape(n, -1)
            else:
                y[:, i, j, :] = np.einsum("nhwc,hwco->no", patch, w)
    return y


def np_resize_legacy(x, oh, ow):
    n, h, w, c = x.shape
    y = np.zeros((n, oh, ow, c), np.float64)
    for i in range(oh):
        sy = i * h / oh
        y0 = int(np.floor(sy)); y1 = min(y0 + 1, h - 1); fy = sy - y0
        for j in range(ow):
            sx = j * w / ow
            x0 = int(np.floor(sx)); x1 = min(x0 + 1, w - 1); fx = sx - x0
            top = x[:, y0, x0] * (1 - fx) + x[:, y0, x1] * fx
            bot = x[:, y1, x0] * (1 - fx) + x[:, y1, x1] * fx
            y[:, i, j] = top * (1 - fy) + bot * fy
    return y


class _Probe(TfjsGraphModule):
    """Just the op methods, without a model file."""

    def __init__(self):  # noqa: super().__init__ needs a model; the ops need none of its state
        torch.nn.Module.__init__(self)


def node(op, stride):
    import base64
    enc = lambda s: {"s": base64.b64encode(s.encode()).decode()}
    return {"name": "probe/" + op, "op": op, "attr": {
        "strides": {"list": {"i": [1, stride, stride, 1]}}, "padding": enc("SAME"), "data_format": enc("NHWC"),
        "dilations": {"list": {"i": [1, 1, 1, 1]}}}}


def main():
    rng = np.random.default_rng(7)
    probe = _Probe()
    worst = 0.0
    for depthwise in (False, True):
        for stride in (1, 2):
            x = rng.standard_normal((1, 8, 8, 3)).astype(np.float32)
            w = rng.standard_normal((3, 3, 3, 2 if depthwise else 5)).astype(np.float32)
            ref = np_conv_same(x.astype(np.float64), w.astype(np.float64), stride, depthwise)
            op = "DepthwiseConv2dNative" if depthwise else "Conv2D"
            fn = getattr(probe, "op_" + op)
            got = fn(node(op, stride), torch.from_numpy(x), torch.from_numpy(w)).numpy()
            err = float(np.abs(got - ref).max())
            print("%-22s stride %d: max |torch - numpy| = %.2e" % (op, stride, err))
            worst = max(worst, err)
    x = rng.standard_normal((1, 5, 7, 2)).astype(np.float32)
    ref = np_resize_legacy(x.astype(np.float64), 10, 14)
    got = resize_bilinear_nhwc(torch.from_numpy(x), [10, 14], False, False).numpy()
    err = float(np.abs(got - ref).max())
    print("%-22s legacy x2: max |torch - numpy| = %.2e" % ("ResizeBilinear", err))
    worst = max(worst, err)
    if worst > 1e-4:
        print("FAIL: interpreter ops disagree with the numpy references", file=sys.stderr)
        sys.exit(1)
    print("ops OK")


if __name__ == "__main__":
    main()
