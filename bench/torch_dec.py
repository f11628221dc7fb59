"""The reference DEC / IDEC refinement step in PyTorch on the CPU, for `npm run bench` (part `dec`):
the same dense autoencoder as latentkit's DEC (encoder d-hidden...-code with ReLU, linear code,
mirrored decoder with a sigmoid output), Student's t soft assignments (alpha = 1) to the cluster
centres, KL(P||Q) per image (+ weight x mean squared error for IDEC, through the decoder), Adam.
argv: data.f32 d batch hidden(comma-separated) code clusters weight steps. Targets P: DEC's sharpened
distribution of the starting Q. Prints JSON images/s on 1 thread, per wall-clock second and per CPU
second of this process (time.process_time), each the median of 3 timings."""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def stack(sizes, last):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
        elif last is not None:
            layers.append(last)
    return nn.Sequential(*layers)


def soft_assign(z, centres):
    kernel = 1.0 / (1.0 + torch.cdist(z, centres).pow(2))
    return kernel / kernel.sum(1, keepdim=True)


def main():
    data_file, d, batch, hidden, code, clusters, weight, steps = sys.argv[1:9]
    d, batch, code, clusters, steps = int(d), int(batch), int(code), int(clusters), int(steps)
    weight = float(weight)
    hidden = [int(h) for h in hidden.split(",") if h]
    torch.set_num_threads(1)
    torch.manual_seed(1)
    data = torch.from_numpy(np.fromfile(data_file, dtype=np.float32).reshape(-1, d).copy())
    sizes = [d, *hidden, code]
    encoder = stack(sizes, None)
    decoder = stack(sizes[::-1], nn.Sigmoid())
    centres = nn.Parameter(torch.randn(clusters, code))
    parameters = [*encoder.parameters(), centres]
    if weight > 0:
        parameters += list(decoder.parameters())
    optimizer = torch.optim.Adam(parameters, lr=1e-4)
    with torch.no_grad():
        q = soft_assign(encoder(data), centres)
        p = q.pow(2) / q.sum(0)
        p = p / p.sum(1, keepdim=True)
    rows = data.shape[0]

    def step(s):
        start = (s * batch) % max(1, rows - batch)
        x, target = data[start : start + batch], p[start : start + batch]
        optimizer.zero_grad()
        z = encoder(x)
        q = soft_assign(z, centres)
        loss = nn.functional.kl_div(torch.log(q + 1e-12), target, reduction="batchmean")
        reconstruction = nn.functional.mse_loss(decoder(z), x)
        if weight > 0:
            loss = loss + weight * reconstruction
        loss.backward()
        optimizer.step()

    for s in range(3):
        step(s)
    rates, cpu_rates = [], []
    for _ in range(3):
        began, began_cpu = time.perf_counter(), time.process_time()
        for s in range(steps):
            step(s)
        rates.append(steps * batch / (time.perf_counter() - began))
        cpu_rates.append(steps * batch / max(time.process_time() - began_cpu, 1e-9))
    with open("/proc/self/maps", encoding="utf8") as maps:
        loaded = maps.read()
    # Debian's python3-torch runs on whatever libblas.so.3 is selected; the reference BLAS is ~12x slower.
    blas = next((name for name in ("openblas", "blis", "mkl", "atlas") if name in loaded), "reference")
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "blas": blas,
                "imagesPerSecond": sorted(rates)[1],
                "cpuImagesPerSecond": sorted(cpu_rates)[1],
            }
        )
    )


if __name__ == "__main__":
    main()
