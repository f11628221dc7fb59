"""The reference VAE (784-400-20, ReLU, Bernoulli logits summed + KL per image, Adam 1e-3, batch 128)
in PyTorch on the CPU, for `npm run bench`. Reads float32 rows from argv[1]; prints JSON samples/s for
1 thread and for all threads."""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn


class VAE(nn.Module):
    def __init__(self, d=784, hidden=400, latent=20):
        super().__init__()
        self.enc = nn.Linear(d, hidden)
        self.mean = nn.Linear(hidden, latent)
        self.log_var = nn.Linear(hidden, latent)
        self.dec = nn.Linear(latent, hidden)
        self.out = nn.Linear(hidden, d)

    def loss(self, x):
        h = torch.relu(self.enc(x))
        mu, lv = self.mean(h), self.log_var(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        logits = self.out(torch.relu(self.dec(z)))
        rec = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = -0.5 * (1 + lv - mu.pow(2) - lv.exp()).sum(1)
        return (rec + kl).mean()


def throughput(data, threads, steps, batch=128):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    rows = data.shape[0]

    def step(s):
        start = (s * batch) % max(1, rows - batch)
        x = data[start : start + batch]
        opt.zero_grad()
        loss = model.loss(x)
        loss.backward()
        opt.step()

    for s in range(3):
        step(s)
    began = time.perf_counter()
    for s in range(steps):
        step(s)
    return steps * batch / (time.perf_counter() - began)


def main():
    raw = np.fromfile(sys.argv[1], dtype=np.float32)
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    data = torch.from_numpy(raw.reshape(-1, 784).copy())
    runs = {}
    for threads in sorted({1, os.cpu_count() or 1}):
        samples = sorted(throughput(data, threads, steps) for _ in range(3))
        runs[str(threads)] = samples[1]
    with open("/proc/self/maps", encoding="utf8") as maps:
        loaded = maps.read()
    # Debian's python3-torch runs on whatever libblas.so.3 is selected; the reference BLAS is ~12x slower.
    blas = next((name for name in ("openblas", "blis", "mkl", "atlas") if name in loaded), "reference")
    print(json.dumps({"torch": torch.__version__, "blas": blas, "samplesPerSecond": runs}))


if __name__ == "__main__":
    main()
