"""Compares the torch interpreter with TensorFlow.js itself (CPU backend in node) on skimage photos.

Usage (from scripts/experts): /usr/bin/python3 tfjs-reference/compare.py centernet|selfie MODEL_JSON NODE_DIR NAME...
Feeds both the same input and prints the largest output differences (and for CenterNet the top peaks of each);
exits non-zero when the first output differs by more than 1e-3 (float32 summation order differs).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from convert_centernet import decode, load_image  # noqa: E402
from tfjs_graph import TfjsGraphModule  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = {  # outputs, input maker
    "centernet": (["tower_0/keypoints", "tower_0/wh"], lambda p: load_image(p)),
    "selfie": (["activation_10"], lambda p: torch.from_numpy(
        np.asarray(Image.open(p).convert("RGB").resize((256, 256), Image.BILINEAR), np.float32) / 255.0).unsqueeze(0)),
}


def main():
    kind, model_json, node_dir, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    outputs, make_input = MODELS[kind]
    module = TfjsGraphModule(model_json, outputs).eval()
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            x = make_input("/usr/lib/python3/dist-packages/skimage/data/%s.png" % name)
            x.numpy().astype(np.float32).tofile(os.path.join(tmp, "in.f32"))
            env = dict(os.environ, NODE_PATH=os.path.join(node_dir, "node_modules"))
            subprocess.check_call(["node", os.path.join(HERE, "run_graph_model.js"), model_json,
                                   os.path.join(tmp, "in.f32"), ",".join(str(d) for d in x.shape),
                                   ",".join(outputs), os.path.join(tmp, "out")], env=env, stdout=subprocess.DEVNULL)
            with torch.no_grad():
                ours = module(x)
            refs = []
            for i, o in enumerate(ours):
                ref = np.fromfile(os.path.join(tmp, "out.%d.f32" % i), np.float32).reshape(tuple(o.shape))
                refs.append(torch.from_numpy(ref))
                diff = float((o - refs[-1]).abs().max())
                if i == 0:
                    worst = max(worst, diff)
                print("%-10s %-20s max |torch - tfjs| %.2e" % (name, outputs[i], diff))
            if kind == "centernet":
                for label, (k, w) in (("torch", ours), ("tfjs", refs)):
                    print("  %-5s top peaks (class, score):" % label,
                          [(int(r[5]), round(r[4], 3)) for r in decode(k, w, 5).tolist()])
    if worst > 1e-3:
        print("FAIL: torch interpreter differs from TensorFlow.js", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
