"""A small TF.js graph-model interpreter in PyTorch.

Reads a TF.js ``model.json`` (``modelTopology`` = a TensorFlow GraphDef in JSON, ``weightsManifest`` = where the
constants live in the ``.bin`` shards) and builds a ``torch.nn.Module`` whose ``forward`` executes the graph nodes in
topological order. Activations stay in TensorFlow's NHWC layout; convolutions see them through a permuted view, which
is PyTorch's channels-last memory format, so no copies are made around each convolution.

Only the ops the converted models use are implemented; any other op raises ``UnsupportedOp`` naming the node. The
module is meant to be traced (``torch.jit.trace``) with the graph's fixed input shape, so shape-dependent constants
(padding, resize indices) are computed in Python at trace time.

Runs on Debian's python3-torch 1.13 (``/usr/bin/python3``).
"""

import json
import os
from collections import deque

import numpy as np
import torch
import torch.nn.functional as F


class UnsupportedOp(Exception):
    """The graph uses an op this interpreter does not implement."""


_NP_DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}


def load_weights(model_dir, manifest):
    """Decodes every weight of a TF.js weights manifest into numpy arrays, keyed by name.

    Handles float16 and affine uint8/uint16 quantisation as TF.js writes it.
    """
    out = {}
    for group in manifest:
        data = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            shape = [int(s) for s in w["shape"]]
            count = int(np.prod(shape)) if shape else 1
            q = w.get("quantization")
            if q is None:
                dt = np.dtype(_NP_DTYPES[w["dtype"]])
                arr = np.frombuffer(data, dtype=dt, count=count, offset=offset)
                offset += count * dt.itemsize
            elif q["dtype"] == "float16":
                arr = np.frombuffer(data, dtype=np.float16, count=count, offset=offset).astype(np.float32)
                offset += count * 2
            elif q["dtype"] in ("uint8", "uint16"):
                dt = np.dtype(q["dtype"])
                raw = np.frombuffer(data, dtype=dt, count=count, offset=offset)
                offset += count * dt.itemsize
                arr = (raw.astype(np.float32) * np.float32(q["scale"]) + np.float32(q["min"]))
                arr = arr.astype(_NP_DTYPES[w["dtype"]])
            else:
                raise UnsupportedOp("weight %s: quantisation %s" % (w["name"], q))
            out[w["name"]] = np.array(arr.reshape(shape))
        if offset != len(data):
            raise ValueError("weights manifest covers %d bytes of %d" % (offset, len(data)))
    return out


def _attr(node, key, default=None):
    a = node.get("attr", {}).get(key)
    if a is None:
        return default
    if "list" in a:
        lst = a["list"]
        if "i" in lst:
            return [int(v) for v in lst["i"]]
        if "s" in lst:
            import base64
            return [base64.b64decode(v).decode() for v in lst["s"]]
        return []
    if "s" in a:
        import base64
        return base64.b64decode(a["s"]).decode()
    if "i" in a:
        return int(a["i"])
    if "f" in a:
        return float(a["f"])
    if "b" in a:
        return bool(a["b"])
    if "type" in a:
        return a["type"]
    return default


def same_padding(size, kernel, stride, dilation=1):
    """TensorFlow 'SAME' padding (before, after) for one spatial dimension; the extra pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _split_input(name):
    """'node:1' -> ('node', 1); '^node' control inputs are reported with index -1."""
    if name.startswith("^"):
        return name[1:], -1
    if ":" in name:
        base, idx = name.rsplit(":", 1)
        return base, int(idx)
    return name, 0


class TfjsGraphModule(torch.nn.Module):
    """Executes a TF.js graph model; ``forward(x)`` returns the requested outputs as a tuple, in order."""

    def __init__(self, model_json_path, outputs):
        super().__init__()
        model_dir = os.path.dirname(os.path.abspath(model_json_path))
        with open(model_json_path) as f:
            model = json.load(f)
        self.weights = load_weights(model_dir, model["weightsManifest"])
        nodes = {n["name"]: n for n in model["modelTopology"]["node"]}
        self.inputs = [n for n in nodes.values() if n["op"] == "Placeholder"]
        if len(self.inputs) != 1:
            raise UnsupportedOp("expected one Placeholder, found %d" % len(self.inputs))
        self.outputs = list(outputs)
        for o in self.outputs:
            if _split_input(o)[0] not in nodes:
                raise KeyError("output %s is not a node of the graph" % o)
        self.order = self._topological(nodes, self.outputs)
        # Constants as torch tensors (buffers so that .to() and tracing treat them as state).
        self._consts = {}
        for i, (name, arr) in enumerate(self.weights.items()):
            t = torch.from_numpy(np.ascontiguousarray(arr))
            self.register_buffer("c%d" % i, t)
            self._consts[name] = "c%d" % i

    @staticmethod
    def _topological(nodes, outputs):
        needed, stack = set(), [_split_input(o)[0] for o in outputs]
        while stack:
            n = stack.pop()
            if n in needed:
                continue
            needed.add(n)
            for i in nodes[n].get("input", []):
                stack.append(_split_input(i)[0])
        indeg = {n: 0 for n in needed}
        users = {n: [] for n in needed}
        for n in needed:
            for i in nodes[n].get("input", []):
                src = _split_input(i)[0]
                indeg[n] += 1
                users[src].append(n)
        ready = deque(sorted(n for n in needed if indeg[n] == 0))
        order = []
        while ready:
            n = ready.popleft()
            order.append(nodes[n])
            for u in users[n]:
                indeg[u] -= 1
                if indeg[u] == 0:
                    ready.append(u)
        if len(order) != len(needed):
            raise ValueError("graph has a cycle")
        return order

    def const(self, name):
        return getattr(self, self._consts[name])

    def forward(self, x):
        values = {}
        for node in self.order:
            name, op = node["name"], node["op"]
            if op == "Placeholder":
                values[name] = [x]
                continue
            if op == "Const":
                values[name] = [self.const(name)]
                continue
            args = []
            for i in node.get("input", []):
                base, idx = _split_input(i)
                if idx >= 0:
                    args.append(values[base][idx])
            fn = getattr(self, "op_" + op, None)
            if fn is None:
                raise UnsupportedOp("node %s: op %s" % (name, op))
            res = fn(node, *args)
            values[name] = list(res) if isinstance(res, tuple) else [res]
        outs = []
        for o in self.outputs:
            base, idx = _split_input(o)
            outs.append(values[base][idx])
        return tuple(outs)

    # ---- helpers -------------------------------------------------------------------------------------------

    def _check_nhwc(self, node):
        fmt = _attr(node, "data_format", "NHWC")
        if fmt != "NHWC":
            raise UnsupportedOp("node %s: data_format %s" % (node["name"], fmt))

    def _pad_nchw(self, node, xc, kh, kw, sh, sw, dh, dw, pad_value=0.0):
        """Pads an NCHW view for TF padding; returns (tensor, torch padding arg)."""
        padding = _attr(node, "padding")
        if padding == "VALID":
            return xc
        if padding != "SAME":
            raise UnsupportedOp("node %s: padding %s" % (node["name"], padding))
        ph = same_padding(int(xc.shape[2]), kh, sh, dh)
        pw = same_padding(int(xc.shape[3]), kw, sw, dw)
        if ph == (0, 0) and pw == (0, 0):
            return xc
        return F.pad(xc, (pw[0], pw[1], ph[0], ph[1]), value=pad_value)

    def _conv(self, node, x, w, depthwise):
        self._check_nhwc(node)
        strides = _attr(node, "strides", [1, 1, 1, 1])
        dil = _attr(node, "dilations", [1, 1, 1, 1])
        kh, kw = int(w.shape[0]), int(w.shape[1])
        if depthwise:
            # TF [kh, kw, in, mult] -> torch [in * mult, 1, kh, kw]; output channel = in * mult + m.
            cin, mult = int(w.shape[2]), int(w.shape[3])
            wt = w.permute(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw)
            groups = cin
        else:
            wt = w.permute(3, 2, 0, 1)
            groups = 1
        xc = x.permute(0, 3, 1, 2)  # NHWC storage seen as NCHW = channels-last
        xc = self._pad_nchw(node, xc, kh, kw, strides[1], strides[2], dil[1], dil[2])
        y = F.conv2d(xc, wt.contiguous(), None, (strides[1], strides[2]), 0, (dil[1], dil[2]), groups)
        return y.permute(0, 2, 3, 1)

    def _fused(self, node, y, extra):
        ops = _attr(node, "fused_ops", [])
        k = 0
        for f in ops:
            if f == "BiasAdd":
                y = y + extra[k]
                k += 1
            elif f == "Relu":
                y = F.relu(y)
            elif f == "Relu6":
                y = F.hardtanh(y, 0.0, 6.0)
            elif f == "Elu":
                y = F.elu(y)
            elif f == "Sigmoid":
                y = torch.sigmoid(y)
            elif f == "LeakyRelu":
                y = F.leaky_relu(y, _attr(node, "leakyrelu_alpha", 0.2))
            elif f == "Prelu":
                a = extra[k]
                k += 1
                y = torch.where(y >= 0, y, y * a)
            else:
                raise UnsupportedOp("node %s: fused op %s" % (node["name"], f))
        return y

    # ---- ops ---------------------------------------------------------------------------------------------

    def op_Conv2D(self, node, x, w):
        return self._conv(node, x, w, False)

    def op_DepthwiseConv2dNative(self, node, x, w):
        return self._conv(node, x, w, True)

    def op__FusedConv2D(self, node, x, w, *extra):
        return self._fused(node, self._conv(node, x, w, False), extra)

    def op_FusedDepthwiseConv2dNative(self, node, x, w, *extra):
        return self._fused(node, self._conv(node, x, w, True), extra)

    def op_BiasAdd(self, node, x, b):
        return x + b

    def op_Add(self, node, a, b):
        return a + b

    op_AddV2 = op_Add

    def op_Sub(self, node, a, b):
        return a - b

    def op_Mul(self, node, a, b):
        return a * b

    def op_RealDiv(self, node, a, b):
        return a / b

    def op_FloorDiv(self, node, a, b):
        return torch.div(a, b, rounding_mode="floor")

    def op_FloorMod(self, node, a, b):
        return torch.remainder(a, b)

    def op_Maximum(self, node, a, b):
        return torch.maximum(a, b)

    def op_Minimum(self, node, a, b):
        return torch.minimum(a, b)

    def op_Equal(self, node, a, b):
        return a == b

    def op_Relu(self, node, x):
        return F.relu(x)

    def op_Relu6(self, node, x):
        return F.hardtanh(x, 0.0, 6.0)

    def op_Sigmoid(self, node, x):
        return torch.sigmoid(x)

    def op_Tanh(self, node, x):
        return torch.tanh(x)

    def op_Identity(self, node, x):
        return x

    def op_Cast(self, node, x):
        dst = _attr(node, "DstT")
        types = {"DT_FLOAT": torch.float32, "DT_INT32": torch.int32, "DT_BOOL": torch.bool}
        if dst not in types:
            raise UnsupportedOp("node %s: Cast to %s" % (node["name"], dst))
        return x.to(types[dst])

    def op_Mean(self, node, x, axes):
        dims = [int(a) for a in axes.reshape(-1).tolist()]
        return x.mean(dim=dims, keepdim=bool(_attr(node, "keep_dims", False)))

    def op_ConcatV2(self, node, *args):
        return torch.cat(list(args[:-1]), dim=int(args[-1]))

    def op_Reshape(self, node, x, shape):
        return x.reshape([int(s) for s in shape.tolist()])

    def op_ExpandDims(self, node, x, dim):
        return x.unsqueeze(int(dim))

    def op_Transpose(self, node, x, perm):
        return x.permute([int(p) for p in perm.tolist()])

    def op_Pad(self, node, x, pads):
        p = pads.tolist()
        flat = []
        for before, after in reversed(p):
            flat += [int(before), int(after)]
        return F.pad(x, flat)

    def op_AddN(self, node, *args):
        y = args[0]
        for a in args[1:]:
            y = y + a
        return y

    def op_Conv2DBackpropInput(self, node, sizes, w, x):
        """Transposed convolution; TF filter [kh, kw, out, in]; output cropped to input_sizes as TF's 'SAME' does."""
        self._check_nhwc(node)
        strides = _attr(node, "strides", [1, 1, 1, 1])
        if _attr(node, "dilations", [1, 1, 1, 1]) != [1, 1, 1, 1]:
            raise UnsupportedOp("node %s: dilated Conv2DBackpropInput" % node["name"])
        n, oh, ow, oc = [int(v) for v in sizes.tolist()]
        kh, kw = int(w.shape[0]), int(w.shape[1])
        y = F.conv_transpose2d(x.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1).contiguous(), None,
                               (strides[1], strides[2]))
        padding = _attr(node, "padding")
        if padding == "SAME":
            top = same_padding(oh, kh, strides[1])[0]
            left = same_padding(ow, kw, strides[2])[0]
        elif padding == "VALID":
            top = left = 0
        else:
            raise UnsupportedOp("node %s: padding %s" % (node["name"], padding))
        y = y[:, :, top:top + oh, left:left + ow]
        if int(y.shape[2]) != oh or int(y.shape[3]) != ow:
            raise UnsupportedOp("node %s: transposed conv gives %s, graph wants %s" % (node["name"], tuple(y.shape),
                                                                                       (oh, ow)))
        return y.permute(0, 2, 3, 1)

    def op_MaxPool(self, node, x):
        self._check_nhwc(node)
        k = _attr(node, "ksize")
        s = _attr(node, "strides")
        xc = x.permute(0, 3, 1, 2)
        xc = self._pad_nchw(node, xc, k[1], k[2], s[1], s[2], 1, 1, pad_value=float("-inf"))
        return F.max_pool2d(xc, (k[1], k[2]), (s[1], s[2])).permute(0, 2, 3, 1)

    def op_AvgPool(self, node, x):
        self._check_nhwc(node)
        if _attr(node, "padding") != "VALID":
            raise UnsupportedOp("node %s: AvgPool with SAME padding" % node["name"])
        k = _attr(node, "ksize")
        s = _attr(node, "strides")
        return F.avg_pool2d(x.permute(0, 3, 1, 2), (k[1], k[2]), (s[1], s[2])).permute(0, 2, 3, 1)

    def op_ResizeBilinear(self, node, x, size):
        return resize_bilinear_nhwc(x, [int(s) for s in size.tolist()], bool(_attr(node, "align_corners", False)),
                                    bool(_attr(node, "half_pixel_centers", False)))

    def op_ResizeNearestNeighbor(self, node, x, size):
        oh, ow = [int(s) for s in size.tolist()]
        ih, iw = int(x.shape[1]), int(x.shape[2])
        if _attr(node, "align_corners", False) or _attr(node, "half_pixel_centers", False):
            raise UnsupportedOp("node %s: ResizeNearestNeighbor mode" % node["name"])
        yi = torch.as_tensor(np.minimum(np.floor(np.arange(oh) * (ih / oh)), ih - 1).astype(np.int64))
        xi = torch.as_tensor(np.minimum(np.floor(np.arange(ow) * (iw / ow)), iw - 1).astype(np.int64))
        return x.index_select(1, yi).index_select(2, xi)

    def op_TopKV2(self, node, x, k):
        vals, idx = torch.topk(x, int(k), dim=-1, largest=True, sorted=True)
        return vals, idx.to(torch.int32)

    def op_GatherV2(self, node, params, indices, axis):
        if _attr(node, "batch_dims", 0) != 0:
            raise UnsupportedOp("node %s: GatherV2 batch_dims" % node["name"])
        ax = int(axis)
        flat = indices.reshape(-1).long()
        g = params.index_select(ax, flat)
        shape = list(params.shape[:ax]) + list(indices.shape) + list(params.shape[ax + 1:])
        return g.reshape(shape)

    def op_StridedSlice(self, node, x, begin, end, strides):
        if _attr(node, "ellipsis_mask", 0) or _attr(node, "new_axis_mask", 0):
            raise UnsupportedOp("node %s: StridedSlice ellipsis/new axis" % node["name"])
        bm, em, sm = _attr(node, "begin_mask", 0), _attr(node, "end_mask", 0), _attr(node, "shrink_axis_mask", 0)
        b, e, s = begin.tolist(), end.tolist(), strides.tolist()
        idx = []
        for d in range(len(b)):
            if sm & (1 << d):
                idx.append(int(b[d]))
                continue
            start = None if bm & (1 << d) else int(b[d])
            stop = None if em & (1 << d) else int(e[d])
            idx.append(slice(start, stop, int(s[d])))
        return x[tuple(idx)]


def resize_bilinear_nhwc(x, size, align_corners, half_pixel):
    """TensorFlow ResizeBilinear on an NHWC tensor, in each of TF's three coordinate modes."""
    oh, ow = size
    ih, iw = int(x.shape[1]), int(x.shape[2])

    def axis(insz, outsz):
        if align_corners and outsz > 1:
            scale = (insz - 1) / (outsz - 1)
        else:
            scale = insz / outsz
        o = np.arange(outsz, dtype=np.float64)
        src = (o + 0.5) * scale - 0.5 if half_pixel else o * scale
        src = np.maximum(src, 0.0) if half_pixel else src
        lo = np.minimum(np.floor(src).astype(np.int64), insz - 1)
        hi = np.minimum(lo + 1, insz - 1)
        frac = (src - lo).astype(np.float32)
        return torch.as_tensor(lo), torch.as_tensor(hi), torch.as_tensor(frac)

    y0, y1, fy = axis(ih, oh)
    x0, x1, fx = axis(iw, ow)
    fy = fy.reshape(1, oh, 1, 1)
    fx = fx.reshape(1, 1, ow, 1)
    top = x.index_select(1, y0)
    bot = x.index_select(1, y1)
    rows = top + (bot - top) * fy
    left = rows.index_select(2, x0)
    right = rows.index_select(2, x1)
    return left + (right - left) * fx
