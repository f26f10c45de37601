"""Compares the torch interpreter with TensorFlow.js itself (CPU backend in node) on skimage photos.

Usage (from scripts/experts): /usr/bin/python3 tfjs-reference/compare.py MODEL_DIR NODE_MODULES_PARENT NAME...
Feeds both the same [1, 512, 512, 3] input and prints the largest heatmap / box-distance differences and the top
peaks (class id, score) of each; exits non-zero when the heatmaps differ by more than 1e-4.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from convert_centernet import decode, load_image  # noqa: E402
from tfjs_graph import TfjsGraphModule  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    model_dir, node_dir, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    module = TfjsGraphModule(os.path.join(model_dir, "centernet.json"), ["tower_0/keypoints", "tower_0/wh"]).eval()
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            x = load_image("/usr/lib/python3/dist-packages/skimage/data/%s.png" % name)
            x.numpy().astype(np.float32).tofile(os.path.join(tmp, "in.f32"))
            env = dict(os.environ, NODE_PATH=os.path.join(node_dir, "node_modules"))
            subprocess.check_call(["node", os.path.join(HERE, "run_graph_model.js"), model_dir,
                                   os.path.join(tmp, "in.f32"), os.path.join(tmp, "out")], env=env,
                                  stdout=subprocess.DEVNULL)
            kp_ref = np.fromfile(os.path.join(tmp, "out.kp.f32"), np.float32).reshape(1, 128, 128, 80)
            wh_ref = np.fromfile(os.path.join(tmp, "out.wh.f32"), np.float32).reshape(1, 128, 128, 4)
            with torch.no_grad():
                kp, wh = module(x)
            dk = float(np.abs(kp.numpy() - kp_ref).max())
            dw = float(np.abs(wh.numpy() - wh_ref).max())
            worst = max(worst, dk)
            print("%-10s max |heatmap diff| %.2e, max |box distance diff| %.2e px" % (name, dk, dw))
            for label, (k, w) in (("torch", (kp, wh)), ("tfjs", (torch.from_numpy(kp_ref), torch.from_numpy(wh_ref)))):
                print("  %-5s top peaks (class, score):" % label,
                      [(int(r[5]), round(r[4], 3)) for r in decode(k, w, 5).tolist()])
    if worst > 1e-4:
        print("FAIL: torch interpreter differs from TensorFlow.js", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
