#!/usr/bin/python3
"""PyTorch twin of the C# SmallResNet encoder (src/BamOrleans.Core/Models), for throughput
comparison and an architecture parity check. Runs with torch 1.13 on CPU (/usr/bin/python3).

Same layers, widths, norms, names and initialisation as the C# Encoder built with
EncoderOptions.ForFashionMnist() (and its Width / InChannels / Norm variants):

  backbone:  conv1 3x3 stride 2 (w) -> bn1 -> ReLU
             layer1..layer3: --blocks BasicBlocks each (default 1), widths w, 2w, 4w, strides 1, 2, 2
             global average pool -> 4w features
  projector: layers = (Linear -> Norm -> GELU) x (L-1) -> Linear;  L = 2, 256 hidden, 128 out
  norms:     "group": GroupNorm (groups = largest divisor of C that is <= 32 and <= C/2)
                      in the backbone, LayerNorm in the projector (per-sample; batch-independent)
             "batch": BatchNorm2d / BatchNorm1d

Modes:
  --time     times a training step (forward + backward + AdamW step) on one batch of
             batch x views images of channels x size x size and prints one JSON line:
               {"images_per_s": view-images per second (batch * views * steps / seconds),
                "ms_per_step": ..., "params": parameter count, "loss": "bam" | "stand-in", ...}
             The loss is the BAM loss from tools/reference/bam_reference.py when that file is
             importable (--loss auto), otherwise a stand-in with a similar cost: a softmax
             cross-entropy over the cosine similarities of all views (each view's positive is
             the other views of its image). The C# bench calls this with the same arguments.
  --parity   fills every parameter with a fixed formula (no RNG), runs a fixed float64 input
             and prints output statistics; the C# test SmallResNetParityTests holds the same
             numbers, which proves the two implementations compute the same function.
  (default)  prints the parameter names, shapes and count.

Example:
  /usr/bin/python3 tools/reference/encoder_reference.py --time --batch 128 --views 2 \
      --size 28 --channels 1 --threads 2 --steps 20 --warmup 3
"""

import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ------------------------------------------------------------------------------------------
# Model
# ------------------------------------------------------------------------------------------

def group_count(channels):
    """Largest divisor of channels that is <= 32 and leaves >= 2 channels per group."""
    for groups in range(min(32, max(1, channels // 2)), 1, -1):
        if channels % groups == 0:
            return groups
    return 1


def norm2d(kind, channels):
    return nn.GroupNorm(group_count(channels), channels) if kind == "group" else nn.BatchNorm2d(channels)


def norm1d(kind, features):
    return nn.LayerNorm(features) if kind == "group" else nn.BatchNorm1d(features)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride, norm):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = norm2d(norm, planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = norm2d(norm, planes)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False),
                                            norm2d(norm, planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)), inplace=True)
        out = self.bn2(self.conv2(out))
        return F.relu(out + identity, inplace=True)


class SmallResNet(nn.Module):
    def __init__(self, in_channels, width, norm, blocks_per_stage=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, width, 3, stride=2, padding=1, bias=False)
        self.bn1 = norm2d(norm, width)
        planes = width
        stages = []
        for planes_out, stride in ((width, 1), (2 * width, 2), (4 * width, 2)):
            blocks = [BasicBlock(planes, planes_out, stride, norm)]
            blocks += [BasicBlock(planes_out, planes_out, 1, norm) for _ in range(blocks_per_stage - 1)]
            stages.append(nn.Sequential(*blocks))
            planes = planes_out
        self.layer1, self.layer2, self.layer3 = stages
        self.feature_dim = planes

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)), inplace=True)
        x = self.layer3(self.layer2(self.layer1(x)))
        return x.mean(dim=(2, 3))


class ProjectorHead(nn.Module):
    def __init__(self, in_dim, hidden_dim, out_dim, layers, norm):
        super().__init__()
        modules, dim = [], in_dim
        for _ in range(layers - 1):
            modules += [nn.Linear(dim, hidden_dim), norm1d(norm, hidden_dim), nn.GELU()]
            dim = hidden_dim
        modules.append(nn.Linear(dim, out_dim))
        self.layers = nn.Sequential(*modules)

    def forward(self, x):
        return self.layers(x)


class Encoder(nn.Module):
    def __init__(self, in_channels=1, width=16, norm="group", blocks_per_stage=1, hidden_dim=256, out_dim=128,
                 projector_norm=None,
                 layers=2):
        super().__init__()
        self.backbone = SmallResNet(in_channels, width, norm, blocks_per_stage)
        self.projector = ProjectorHead(self.backbone.feature_dim, hidden_dim, out_dim, layers, projector_norm or norm)

    def features(self, x):
        return self.backbone(x)

    def forward(self, x):
        return self.projector(self.backbone(x))


def initialize(model, seed):
    """As WeightInitializer.cs: conv kaiming-normal (fan_out, relu), linear trunc-normal
    std 0.02 (cut at +-2) with zero bias, norms weight 1 / bias 0, from one torch.Generator."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Conv2d):
                w = module.weight
                w.normal_(0, math.sqrt(2.0 / (w.shape[0] * w.shape[2] * w.shape[3])), generator=generator)
            elif isinstance(module, nn.Linear):
                # torch 1.13's trunc_normal_ takes no generator; numbers differ from C#, the law does not.
                nn.init.trunc_normal_(module.weight, std=0.02, a=-2.0, b=2.0)
                nn.init.zeros_(module.bias)
            elif isinstance(module, (nn.GroupNorm, nn.LayerNorm, nn.BatchNorm2d, nn.BatchNorm1d)):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def decay_groups(model):
    """DINO's get_params_groups: biases and 1-D tensors are not decayed."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if name.endswith(".bias") or p.ndim == 1 else decay).append(p)
    return [{"params": decay}, {"params": no_decay, "weight_decay": 0.0}]


# ------------------------------------------------------------------------------------------
# Losses for --time
# ------------------------------------------------------------------------------------------

def load_bam_loss():
    """bam_loss(z, opts, epsilon) from bam_reference.py next to this file, or None."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        from bam_reference import bam_loss  # noqa: written by the objective work stream
        return bam_loss
    except Exception:
        return None


def stand_in_loss(z, views, batch, temperature=0.1):
    """Softmax cross-entropy over cosine similarities of all V*B views (rows view-major),
    positives = the other views of the same image, self excluded: the cost shape of BAM."""
    zn = F.normalize(z, dim=-1)
    logits = zn @ zn.t() / temperature
    eye = torch.eye(logits.shape[0], dtype=torch.bool)
    logits = logits.masked_fill(eye, -1e9)
    image = torch.arange(views * batch) % batch
    positive = (image[:, None] == image[None, :]) & ~eye
    log_q = F.log_softmax(logits, dim=1)
    return -(log_q * positive).sum(dim=1).div(max(views - 1, 1)).mean()


def make_loss(kind, views, batch):
    bam = load_bam_loss() if kind in ("auto", "bam") else None
    if kind == "bam" and bam is None:
        raise SystemExit("--loss bam: tools/reference/bam_reference.py is not importable")
    if bam is not None:
        opts = dict(global_views=min(views, 2), local_views=max(views - 2, 0), target_views=min(views, 2),
                    temperature=0.1, sinkhorn_iterations=3, top_k=0, use_ema_teacher=False)

        def bam_fn(z):
            return bam(z, opts, 0.05)[0]

        try:  # the objective's API may move; in auto mode a mismatch falls back to the stand-in
            bam_fn(torch.randn(views * 2, 8))
            return "bam", bam_fn
        except Exception as error:
            if kind == "bam":
                raise
            print(f"bam_reference.bam_loss unusable ({error}); using the stand-in loss", file=sys.stderr)
    return "stand-in", lambda z: stand_in_loss(z, views, batch)


# ------------------------------------------------------------------------------------------
# Modes
# ------------------------------------------------------------------------------------------

def time_training_step(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # trunc_normal_ in torch 1.13 draws from the global generator
    model = Encoder(args.channels, args.width, args.norm, args.blocks, projector_norm=args.projector_norm)
    initialize(model, args.seed)
    model.train()
    optimizer = torch.optim.AdamW(decay_groups(model), lr=1e-3, weight_decay=0.04)
    loss_name, loss_fn = make_loss(args.loss, args.views, args.batch)
    generator = torch.Generator().manual_seed(args.seed)
    # Rows view-major (row v*B + b), as the C# trainer stacks the views.
    images = torch.rand(args.views * args.batch, args.channels, args.size, args.size, generator=generator)

    def step():
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn(model(images))
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    seconds = time.perf_counter() - start
    print(json.dumps(dict(
        images_per_s=args.batch * args.views * args.steps / seconds,
        ms_per_step=1000.0 * seconds / args.steps,
        params=parameter_count(model),
        loss=loss_name,
        final_loss=float(loss),
        batch=args.batch, views=args.views, size=args.size, channels=args.channels,
        threads=torch.get_num_threads(), steps=args.steps, warmup=args.warmup,
        torch=torch.__version__)))


def parity_fill(model):
    """Formula values (no RNG) for every parameter, keyed on its rank in name order."""
    with torch.no_grad():
        for k, (name, p) in enumerate(sorted(model.named_parameters(), key=lambda np: np[0])):
            j = torch.arange(p.numel(), dtype=torch.float64)
            wave = torch.sin(0.37 * j + 0.5 * k + 0.1)
            if p.ndim > 1:
                values = wave / math.sqrt(p.numel() / p.shape[0])
            elif name.endswith("weight"):
                values = 1.0 + 0.1 * wave
            else:
                values = 0.1 * wave
            p.copy_(values.reshape(p.shape))


def parity_input(batch, channels, size):
    j = torch.arange(batch * channels * size * size, dtype=torch.float64)
    return torch.sin(0.11 * j).reshape(batch, channels, size, size)


def parity(args):
    model = Encoder(args.channels, args.width, args.norm, args.blocks).double()
    parity_fill(model)
    x = parity_input(2, args.channels, args.size)
    with torch.no_grad():
        features = model.features(x)
        out = model(x)
    print(json.dumps(dict(
        params=parameter_count(model),
        features_sum=float(features.sum()), features_abs_sum=float(features.abs().sum()),
        features_first=features[0, :4].tolist(),
        output_sum=float(out.sum()), output_abs_sum=float(out.abs().sum()),
        output_first=out[0, :4].tolist(), output_last=out[1, -4:].tolist()), indent=1))


def describe(args):
    model = Encoder(args.channels, args.width, args.norm, args.blocks, projector_norm=args.projector_norm)
    for name, p in model.named_parameters():
        print(f"{name:40s} {list(p.shape)}")
    print(json.dumps(dict(params=parameter_count(model))))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--time", action="store_true")
    mode.add_argument("--parity", action="store_true")
    parser.add_argument("--batch", type=int, default=128, help="images per step (before views)")
    parser.add_argument("--views", type=int, default=2)
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--blocks", type=int, default=1, help="BasicBlocks per stage (SmallBlocksPerStage)")
    parser.add_argument("--norm", choices=["group", "batch"], default="group")
    parser.add_argument("--projector-norm", choices=["group", "batch"], default=None,
                        help="norm of the projector's hidden layers (default: as --norm; the C# default is batch)")
    parser.add_argument("--loss", choices=["auto", "bam", "stand-in"], default="auto")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.time:
        time_training_step(args)
    elif args.parity:
        parity(args)
    else:
        describe(args)


if __name__ == "__main__":
    main()
