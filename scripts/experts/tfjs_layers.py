"""A small TF.js layers-model (Keras functional) interpreter in PyTorch.

Reads a TF.js ``model.json`` of format ``layers-model`` (Keras ``model_config`` + ``weightsManifest``) and builds a
``torch.nn.Module`` that runs the layers in order on NHWC tensors. Implements the layers the converted models use:
InputLayer, Conv2D (stride 1, 'same'/'valid', linear/relu), Activation (relu/linear/sigmoid/tanh), Add, Concatenate,
UpSampling2D (nearest). Shape-generic, so a trace works for any input size. Any other layer raises UnsupportedOp.
"""

import json
import os

import torch
import torch.nn.functional as F

from tfjs_graph import UnsupportedOp, load_weights

_ACTIVATIONS = {"linear": lambda t: t, "relu": F.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


class TfjsLayersModule(torch.nn.Module):
    """``forward(x)`` takes the model's single NHWC input and returns its single output, NHWC."""

    def __init__(self, model_json_path):
        super().__init__()
        with open(model_json_path) as f:
            model = json.load(f)
        if model.get("format") != "layers-model":
            raise UnsupportedOp("%s is not a TF.js layers model" % model_json_path)
        weights = load_weights(os.path.dirname(os.path.abspath(model_json_path)), model["weightsManifest"])
        config = model["modelTopology"]["model_config"]["config"]
        self.layers = config["layers"]
        if len(config["input_layers"]) != 1 or len(config["output_layers"]) != 1:
            raise UnsupportedOp("only single-input, single-output models are supported")
        self.input_name = config["input_layers"][0][0]
        self.output_name = config["output_layers"][0][0]
        self.convs = torch.nn.ModuleDict()
        for layer in self.layers:
            cfg, name = layer["config"], layer["name"]
            if layer["class_name"] == "Conv2D":
                if list(cfg["strides"]) != [1, 1] or list(cfg["dilation_rate"]) != [1, 1] or cfg.get("groups", 1) != 1:
                    raise UnsupportedOp("layer %s: only stride-1, undilated, ungrouped Conv2D" % name)
                if cfg["data_format"] != "channels_last" or cfg["activation"] not in _ACTIVATIONS:
                    raise UnsupportedOp("layer %s: %s / %s" % (name, cfg["data_format"], cfg["activation"]))
                k = weights[name + "/kernel"]  # [kh, kw, in, out]
                kh, kw = k.shape[0], k.shape[1]
                if cfg["padding"] == "same" and (kh % 2 == 0 or kw % 2 == 0):
                    raise UnsupportedOp("layer %s: 'same' padding with an even kernel" % name)
                conv = torch.nn.Conv2d(k.shape[2], k.shape[3], (kh, kw), bias=cfg["use_bias"],
                                       padding=(kh // 2, kw // 2) if cfg["padding"] == "same" else 0)
                with torch.no_grad():
                    conv.weight.copy_(torch.from_numpy(k).permute(3, 2, 0, 1))
                    if cfg["use_bias"]:
                        conv.bias.copy_(torch.from_numpy(weights[name + "/bias"]))
                self.convs[name.replace(".", "_")] = conv
            elif layer["class_name"] not in ("InputLayer", "Activation", "Add", "Concatenate", "UpSampling2D"):
                raise UnsupportedOp("layer %s: %s" % (name, layer["class_name"]))

    def forward(self, x):
        # NCHW inside: a single permute at each end instead of one per convolution.
        values = {self.input_name: x.permute(0, 3, 1, 2)}
        for layer in self.layers:
            cls, cfg, name = layer["class_name"], layer["config"], layer["name"]
            if cls == "InputLayer":
                continue
            if len(layer["inbound_nodes"]) != 1:
                raise UnsupportedOp("layer %s is shared" % name)
            args = [values[i[0]] for i in layer["inbound_nodes"][0]]
            if cls == "Conv2D":
                y = _ACTIVATIONS[cfg["activation"]](self.convs[name.replace(".", "_")](args[0]))
            elif cls == "Activation":
                y = _ACTIVATIONS[cfg["activation"]](args[0])
            elif cls == "Add":
                y = args[0]
                for a in args[1:]:
                    y = y + a
            elif cls == "Concatenate":
                axis = cfg["axis"]
                if axis not in (3, -1):
                    raise UnsupportedOp("layer %s: concat axis %s" % (name, axis))
                y = torch.cat(args, 1)
            elif cls == "UpSampling2D":
                if cfg["interpolation"] != "nearest":
                    raise UnsupportedOp("layer %s: %s upsampling" % (name, cfg["interpolation"]))
                sh, sw = cfg["size"]
                y = args[0].repeat_interleave(sh, dim=2).repeat_interleave(sw, dim=3)
            values[name] = y
        return values[self.output_name].permute(0, 2, 3, 1)
