"""Checks the TF.js interpreter's layout-sensitive ops against plain numpy references of TensorFlow semantics.

Covers what is easy to get wrong when porting TF to PyTorch: 'SAME' padding with the extra pixel after (stride 2,
even input), depthwise weight layout [kh, kw, in, multiplier], and ResizeBilinear's legacy and half-pixel coordinate modes (the
legacy one differs from torch's interpolate), up and down. Exits non-zero on mismatch.
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


def np_resize(x, oh, ow, half_pixel=False):
    """TF ResizeBilinear (align_corners=False) as in tensorflow/core/kernels/image/resize_bilinear_op.cc."""
    n, h, w, c = x.shape
    y = np.zeros((n, oh, ow, c), np.float64)

    def src(i, insz, outsz):
        s = (i + 0.5) * insz / outsz - 0.5 if half_pixel else i * insz / outsz
        lo = int(np.floor(s))
        return max(lo, 0), min(int(np.ceil(s)), insz - 1), s - lo

    for i in range(oh):
        y0, y1, fy = src(i, h, oh)
        for j in range(ow):
            x0, x1, fx = src(j, w, ow)
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
    for half_pixel in (False, True):
        for size in ([10, 14], [3, 4]):
            ref = np_resize(x.astype(np.float64), size[0], size[1], half_pixel)
            got = resize_bilinear_nhwc(torch.from_numpy(x), size, False, half_pixel).numpy()
            err = float(np.abs(got - ref).max())
            print("%-22s %s to %s: max |torch - numpy| = %.2e" % ("ResizeBilinear",
                  "half-pixel" if half_pixel else "legacy", size, err))
            worst = max(worst, err)
    if worst > 1e-4:
        print("FAIL: interpreter ops disagree with the numpy references", file=sys.stderr)
        sys.exit(1)
    print("ops OK")


if __name__ == "__main__":
    main()
