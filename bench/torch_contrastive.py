"""The reference contrastive step for `npm run bench` (part `contrastive`): the same dense encoder
(64-512-128, ReLU) and projection head (128-128-64, ReLU then linear) as latentkit's bench model,
NT-Xent at temperature tau over the batch's 2n views (L2-normalised projections, the diagonal left
out), Adam at 0.003, in PyTorch on the CPU with torch.set_num_threads(1). The views are fixed
(augmentations excluded, as on latentkit's side). Reads float32 views (first views of n images, then
their second views) from argv[1]; argv[2] is n, argv[3] tau, argv[4] the timed steps. Prints JSON:
images per second (median of 3 runs), torch version and BLAS."""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def mlp(sizes, last):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2 or last:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def nt_xent(z, tau):
    rows = z.shape[0]
    u = z / torch.sqrt((z * z).sum(1, keepdim=True) + 1e-12)
    logits = u @ u.t() / tau - 1e9 * torch.eye(rows)
    positives = (torch.arange(rows) + rows // 2) % rows
    return nn.functional.cross_entropy(logits, positives)


def throughput(views, n, tau, steps):
    torch.manual_seed(1)
    encoder = mlp([64, 512, 128], True)
    head = mlp([128, 128, 64], False)
    params = list(encoder.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=0.003)

    def step():
        opt.zero_grad()
        loss = nt_xent(head(encoder(views)), tau)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    began = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * n / (time.perf_counter() - began)


def main():
    n, tau, steps = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    raw = np.fromfile(sys.argv[1], dtype=np.float32)
    views = torch.from_numpy(raw.reshape(2 * n, 64).copy())
    torch.set_num_threads(1)
    runs = sorted(throughput(views, n, tau, steps) for _ in range(3))
    with open("/proc/self/maps", encoding="utf8") as maps:
        loaded = maps.read()
    blas = next((name for name in ("openblas", "blis", "mkl", "atlas") if name in loaded), "reference")
    print(json.dumps({"torch": torch.__version__, "blas": blas, "imagesPerSecond": runs[1]}))


if __name__ == "__main__":
    main()
