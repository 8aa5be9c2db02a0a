#!/usr/bin/env python3
"""Plain-PyTorch baseline of bench_train_throughput, two workloads:

- "net": the same NAS-Bench-201 network (stem Conv3x3+BN, 3 stages of N cells at C/2C/4C with
  ResNet reduction blocks, BN-ReLU-GAP-Linear) on one batch of fixed random inputs, the same
  SGD (Nesterov) step: the model alone.
- "train": the training script a user would write for the `train` job's setting: real
  Fashion-MNIST read from the IDX files (Debian's dataset-fashion-mnist, the files core/data
  reads), a Dataset doing the same augmentation per image (random crop after zero padding,
  horizontal flip), a DataLoader (shuffled, seeded, no workers), per-batch normalisation, SGD
  Nesterov with a per-step cosine schedule, and the running loss / accuracy read every step.

With --serve it warms both up, prints one JSON line of facts, then times one round per request
line read from standard input ("net" or "train"; prints {"images_per_s": x}) until "quit":
bench_train_throughput uses this to interleave C++ and Python rounds, so both see the same load
on a shared machine. Without --serve it prints the median of --rounds rounds of each.
Run by bench_train_throughput with /usr/bin/python3 (Debian's python3-torch)."""
import argparse
import gzip
import itertools
import json
import math
import os
import statistics
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


class ReLUConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(F.relu(x)))


class ResNetBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv_a = ReLUConvBN(cin, cout, 3, stride=2)
        self.conv_b = ReLUConvBN(cout, cout, 3)
        self.shortcut = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.conv_b(self.conv_a(x)) + self.shortcut(F.avg_pool2d(x, 2, 2))


def make_op(name, c):
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(c, c, 1)
    if name == "nor_conv_3x3":
        return ReLUConvBN(c, c, 3)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(name)


def parse_cell(text):
    """'|op~0|+|op~0|op~1|+|...|' -> [(to, from, op)], `none` edges left out."""
    edges = []
    for to, group in enumerate(text.strip().split("+"), start=1):
        for item in filter(None, group.split("|")):
            op, src = item.split("~")
            if op not in OPS:
                raise ValueError("unknown op " + op)
            if op != "none":
                edges.append((to, int(src), op))
    return edges


class Cell(nn.Module):
    def __init__(self, edges, c):
        super().__init__()
        self.edges = [(to, src) for to, src, _ in edges]
        self.ops = nn.ModuleList([make_op(op, c) for _, _, op in edges])

    def forward(self, x):
        nodes = [x, None, None, None]
        for (to, src), op in zip(self.edges, self.ops):
            y = op(nodes[src] if nodes[src] is not None else torch.zeros_like(x))
            nodes[to] = y if nodes[to] is None else nodes[to] + y
        return nodes[3] if nodes[3] is not None else torch.zeros_like(x)


class Network(nn.Module):
    def __init__(self, cell, c, n, in_ch, classes):
        super().__init__()
        edges = parse_cell(cell)
        self.stem = nn.Sequential(nn.Conv2d(in_ch, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        layers = []
        for stage in range(3):
            if stage > 0:
                layers.append(ResNetBlock(c, 2 * c))
                c *= 2
            layers += [Cell(edges, c) for _ in range(n)]
        self.layers = nn.Sequential(*layers)
        self.last_bn = nn.BatchNorm2d(c)
        self.classifier = nn.Linear(c, classes)

    def forward(self, x):
        x = self.layers(self.stem(x))
        x = F.adaptive_avg_pool2d(F.relu(self.last_bn(x)), 1).flatten(1)
        return self.classifier(x)


def read_idx(path):
    """An IDX file (gzipped or not) as a uint8 tensor of its shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def idx_path(folder, stem):
    gz = os.path.join(folder, stem + ".gz")
    return gz if os.path.exists(gz) else os.path.join(folder, stem)


class AugmentedImages(torch.utils.data.Dataset):
    """uint8 [N,C,H,W] images: random crop after `padding` zeros and a horizontal flip with
    probability 1/2, per image, as torchvision's RandomCrop + RandomHorizontalFlip do."""

    def __init__(self, images, labels, padding):
        self.images, self.labels, self.padding = images, labels, padding

    def __len__(self):
        return self.images.shape[0]

    def __getitem__(self, i):
        img = self.images[i]
        p = self.padding
        if p > 0:
            h, w = img.shape[-2:]
            top, left = torch.randint(0, 2 * p + 1, (2,)).tolist()
            img = F.pad(img, (p, p, p, p))[:, top:top + h, left:left + w]
        if torch.rand(1).item() < 0.5:
            img = img.flip(-1)
        return img, self.labels[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--channels", type=int, default=16)
    ap.add_argument("--cells", type=int, default=5)
    ap.add_argument("--shape", default="3x32x32")
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--channels-last", action="store_true",
                    help="both models and inputs in torch.channels_last (not what the plain script does)")
    ap.add_argument("--precision", choices=("fp32", "bf16"), default="fp32",
                    help="bf16: forward passes under torch.autocast('cpu', dtype=torch.bfloat16)")
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)

    # ---- "net": the model alone on one fixed random batch
    torch.manual_seed(a.seed)
    ch, h, w = (int(v) for v in a.shape.lower().split("x"))
    net = Network(a.arch, a.channels, a.cells, ch, a.classes)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    net = net.to(memory_format=fmt)
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x_fixed = torch.randn(a.batch, ch, h, w).contiguous(memory_format=fmt)
    y_fixed = torch.randint(0, a.classes, (a.batch,))

    bf16 = a.precision == "bf16"

    def net_step():
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = net(x_fixed)
        loss = F.cross_entropy(logits.float(), y_fixed)
        loss.backward()
        opt.step()

    # ---- "train": the script a user would write for the train job on Fashion-MNIST
    images = read_idx(idx_path(a.data_dir, "train-images-idx3-ubyte"))
    labels = read_idx(idx_path(a.data_dir, "train-labels-idx1-ubyte")).long()
    images = images.unsqueeze(1)  # [N,1,28,28]
    if a.train_limit > 0:
        images, labels = images[:a.train_limit], labels[:a.train_limit]
    n_val = round(0.1 * images.shape[0])  # the job's default val_fraction; the split itself is seeded
    perm = torch.randperm(images.shape[0], generator=torch.Generator().manual_seed(a.seed))
    train_idx = perm[n_val:].sort().values
    train_set = AugmentedImages(images[train_idx], labels[train_idx], padding=2 if images.shape[2] < 32 else 4)
    torch.manual_seed(a.seed)
    model = Network(a.arch, a.channels, a.cells, images.shape[1], 10).to(memory_format=fmt)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    loader = torch.utils.data.DataLoader(train_set, batch_size=a.batch, shuffle=True, num_workers=0,
                                         generator=torch.Generator().manual_seed(a.seed))
    total_steps = a.epochs * len(loader)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total_steps) / total_steps)))
    mean, std = 0.2860, 0.3530  # Fashion-MNIST
    batches = itertools.chain.from_iterable(loader for _ in itertools.count())
    stats = {"loss": 0.0, "correct": 0, "seen": 0}

    def train_step():
        x, y = next(batches)
        x = x.float().div_(255).sub_(mean).div_(std).contiguous(memory_format=fmt)
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(x)
        logits = logits.float()
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        stats["loss"] += loss.item()
        stats["correct"] += (logits.argmax(1) == y).sum().item()
        stats["seen"] += y.shape[0]
        return y.shape[0]

    def timed_round(kind):
        t0 = time.perf_counter()
        if kind == "net":
            for _ in range(a.steps):
                net_step()
            n = a.steps * a.batch
        else:
            n = sum(train_step() for _ in range(a.steps))
        return n / (time.perf_counter() - t0)

    for _ in range(a.warmup):
        net_step()
        train_step()
    t0 = time.perf_counter()
    for _ in range(10):
        next(batches)
    loader_ms = (time.perf_counter() - t0) / 10 * 1000
    info = {"torch": torch.__version__, "loader_ms_per_batch": loader_ms, "channels_last": a.channels_last, "threads": torch.get_num_threads(),
            "params": sum(p.numel() for p in net.parameters()), "train_images": len(train_set),
            "batches_per_epoch": len(loader)}
    if a.serve:
        print(json.dumps(dict(info, ready=True)), flush=True)
        for line in sys.stdin:
            kind = line.strip()
            if kind not in ("net", "train"):
                break
            print(json.dumps({"images_per_s": timed_round(kind)}), flush=True)
        return
    net_rounds, train_rounds = [], []
    for _ in range(a.rounds):
        net_rounds.append(timed_round("net"))
        train_rounds.append(timed_round("train"))
    print(json.dumps(dict(info, net=statistics.median(net_rounds), train=statistics.median(train_rounds),
                          net_rounds=net_rounds, train_rounds=train_rounds)))


if __name__ == "__main__":
    main()
