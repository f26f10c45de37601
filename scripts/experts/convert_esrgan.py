"""Converts @upscalerjs/esrgan-slim's x2 RDN (TF.js layers model) to TorchScript.

The saved module takes [1, H, W, 3] float NHWC RGB in 0..255 (any H, W) and returns [1, 2H, 2W, 3] in about 0..255
(clamp before use). Checks before saving (exit non-zero on failure): the traced module reproduces the eager one on a
size it was not traced with; on FIXTURE the result equals UpscalerJS's own published x2 sample (RESULT); on
CHECK_IMAGE the x2 result of the half-size image is closer (PSNR) to the original than bilinear upscaling. (This slim
model does not beat PIL's bicubic: it is ~0.3 dB below it on skimage photos, which the script prints.)

Usage: convert_esrgan.py MODEL_JSON OUT_PT [FIXTURE RESULT [CHECK_IMAGE]]
"""

import sys

import numpy as np
import torch
from PIL import Image

from tfjs_layers import TfjsLayersModule


def psnr(a, b):
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0 ** 2 / mse)


def main():
    model_json, out_pt = sys.argv[1], sys.argv[2]
    fixture, result = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else (None, None)
    image = sys.argv[5] if len(sys.argv) > 5 else None
    torch.set_grad_enabled(False)
    module = TfjsLayersModule(model_json).eval()
    traced = torch.jit.trace(module, (torch.rand(1, 32, 48, 3) * 255,), check_trace=False)
    traced.save(out_pt)
    reloaded = torch.jit.load(out_pt)
    x = torch.rand(1, 40, 28, 3) * 255
    err = float((reloaded(x) - module(x)).abs().max())
    print("traced vs eager on another size: max abs diff %.3e, output %s" % (err, tuple(reloaded(x).shape)))
    if err > 1e-3 or tuple(reloaded(x).shape) != (1, 80, 56, 3):
        print("FAIL: traced module is not shape-generic", file=sys.stderr)
        sys.exit(1)
    if fixture:
        lr = torch.from_numpy(np.asarray(Image.open(fixture).convert("RGB"), np.float32).copy()).unsqueeze(0)
        sr = reloaded(lr)[0].clamp(0, 255).round().numpy()
        expected = np.asarray(Image.open(result).convert("RGB"), np.float32)
        diff = float(np.abs(sr - expected).mean())
        print("vs UpscalerJS's published x2 sample: mean abs diff %.3f (0..255)" % diff)
        if sr.shape != expected.shape or diff > 0.5:
            print("FAIL: conversion does not reproduce UpscalerJS's sample", file=sys.stderr)
            sys.exit(1)
    if image:
        hr = Image.open(image).convert("RGB")
        w, h = hr.size
        lr = hr.resize((w // 2, h // 2), Image.BICUBIC)
        sr = reloaded(torch.from_numpy(np.asarray(lr, np.float32).copy()).unsqueeze(0))[0]
        sr = sr.clamp(0, 255).round().numpy().astype(np.uint8)
        ref = np.asarray(hr)
        p_sr = psnr(sr, ref)
        p_bil = psnr(np.asarray(lr.resize((w, h), Image.BILINEAR)), ref)
        p_bic = psnr(np.asarray(lr.resize((w, h), Image.BICUBIC)), ref)
        print("x2 on %s: ESRGAN PSNR %.2f dB, bilinear %.2f dB, bicubic %.2f dB" % (image, p_sr, p_bil, p_bic))
        if p_sr <= p_bil:
            print("FAIL: ESRGAN is not better than bilinear", file=sys.stderr)
            sys.exit(1)
    print("saved", out_pt)


if __name__ == "__main__":
    main()
