"""The reference VAE (784-400-20, ReLU, Bernoulli logits summed + KL per image, Adam 1e-3, batch 128)
in PyTorch on the CPU, for `npm run bench`. argv: float32 rows, timed steps, OpenMP threads, and
"products" to also time the step's five 128×784×400 matrix products alone (the bound that the BLAS
sets). Prints JSON: samples/s (median of 3 runs), and the products' time when asked.

One process per set-up, its environment (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS: bench/referenceEnv.ts)
set by the bench: torch.set_num_threads does not reach OpenBLAS's own threads, so a "one-thread" run
in a two-thread environment multiplies on two cores.
"""
import json
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


def products_ms(repeats=15, calls=20):
    """Median over `repeats` of the mean time of the reference VAE step's five 128×784×400 products
    (forward, decoder output, and the three backward ones), one thread, warmed: a median, as
    latentkit's product rows are."""
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(1)
    x, w = torch.rand(128, 784, generator=gen), torch.rand(784, 400, generator=gen)
    g, v = torch.rand(128, 400, generator=gen), torch.rand(400, 784, generator=gen)

    def five():
        y = g @ v
        return x @ w, y, x.t() @ g, y @ v.t(), g.t() @ y

    for _ in range(calls):
        five()
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        for _ in range(calls):
            five()
        times.append((time.perf_counter() - began) / calls)
    return sorted(times)[repeats // 2] * 1e3


def main():
    raw = np.fromfile(sys.argv[1], dtype=np.float32)
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    data = torch.from_numpy(raw.reshape(-1, 784).copy())
    samples = sorted(throughput(data, threads, steps) for _ in range(3))
    with open("/proc/self/maps", encoding="utf8") as maps:
        loaded = maps.read()
    # Debian's python3-torch runs on whatever libblas.so.3 is selected; the reference BLAS is ~12x slower.
    blas = next((name for name in ("openblas", "blis", "mkl", "atlas") if name in loaded), "reference")
    reply = {"torch": torch.__version__, "blas": blas, "threads": threads, "samplesPerSecond": samples[1]}
    if len(sys.argv) > 4 and sys.argv[4] == "products":
        reply["productsMs"] = products_ms()
    print(json.dumps(reply))


if __name__ == "__main__":
    main()
