#!/usr/bin/env python3
"""Plain-PyTorch baseline of bench_train_throughput: the same NAS-Bench-201 network (stem
Conv3x3+BN, 3 stages of N cells at C/2C/4C with ResNet reduction blocks, BN-ReLU-GAP-Linear),
the same batch of fixed random inputs, the same SGD (Nesterov) step, the same thread count.
Prints one JSON line: {"images_per_s": median over rounds, "rounds": [...], ...}.
With --serve it warms up, prints "ready", then times one round per "round" line read from
standard input (printing {"images_per_s": x}) until "quit": bench_train_throughput uses this to
interleave C++ and Python rounds, so both see the same load on a shared machine.
Run by bench_train_throughput with /usr/bin/python3 (Debian's python3-torch)."""
import argparse
import json
import statistics
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--channels", type=int, default=16)
    ap.add_argument("--cells", type=int, default=5)
    ap.add_argument("--shape", default="3x32x32")
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    ch, h, w = (int(v) for v in a.shape.lower().split("x"))
    net = Network(a.arch, a.channels, a.cells, ch, a.classes)
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x = torch.randn(a.batch, ch, h, w)
    y = torch.randint(0, a.classes, (a.batch,))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss

    def timed_round():
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step()
        return a.steps * a.batch / (time.perf_counter() - t0)

    for _ in range(a.warmup):
        step()
    info = {"torch": torch.__version__, "threads": torch.get_num_threads(),
            "params": sum(p.numel() for p in net.parameters())}
    if a.serve:
        print(json.dumps(dict(info, ready=True)), flush=True)
        for line in sys.stdin:
            if line.strip() != "round":
                break
            print(json.dumps({"images_per_s": timed_round()}), flush=True)
        return
    rounds = [timed_round() for _ in range(a.rounds)]
    print(json.dumps(dict(info, images_per_s=statistics.median(rounds), rounds=rounds)))


if __name__ == "__main__":
    main()
