"""latentkit's default convolutional models in PyTorch on the CPU, for `npm run bench`: one training
step of the DCGAN (architecture 'conv', 28x28x1, 16 filters, noise 32, batch 64: a discriminator
step on real and generated rows, then a generator step, Adam with beta1 0.5) and of the
convolutional autoencoder (architecture 'conv', code 32, batch 64, summed squared error, Adam 1e-3),
layer for layer as latentkit builds them. Reads float32 rows of 28x28 images from argv[1]; prints
JSON: the median step time in ms with one thread (the target's terms; on a machine shared with
other work, more threads mostly wait for each other)."""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

SIDE = 28
BATCH = 64


def conv(inputs, outputs):
    # A 4x4 stride-2 convolution with TF's 'same' padding (one row and column each side here).
    return nn.Conv2d(inputs, outputs, 4, stride=2, padding=1)


def deconv(inputs, outputs):
    # A 4x4 stride-2 transposed convolution doubling the sides, as TF's 'same'.
    return nn.ConvTranspose2d(inputs, outputs, 4, stride=2, padding=1)


class Generator(nn.Module):
    """noise -> dense -> 7x7x32 -> BN, ReLU -> deconv (16) -> BN, ReLU -> deconv (1) -> sigmoid."""

    def __init__(self, noise=32, filters=16):
        super().__init__()
        self.filters = filters
        self.project = nn.Linear(noise, (SIDE // 4) ** 2 * 2 * filters)
        self.body = nn.Sequential(
            nn.BatchNorm2d(2 * filters, eps=1e-5, momentum=0.1),
            nn.ReLU(),
            deconv(2 * filters, filters),
            nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1),
            nn.ReLU(),
            deconv(filters, 1),
            nn.Sigmoid(),
        )

    def forward(self, z):
        inner = self.project(z).view(-1, 2 * self.filters, SIDE // 4, SIDE // 4)
        return self.body(inner)


class Discriminator(nn.Module):
    """image -> conv (16), leaky ReLU 0.2 -> conv (32), leaky ReLU 0.2 -> dense -> logit."""

    def __init__(self, filters=16):
        super().__init__()
        self.body = nn.Sequential(
            conv(1, filters),
            nn.LeakyReLU(0.2),
            conv(filters, 2 * filters),
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            nn.Linear((SIDE // 4) ** 2 * 2 * filters, 1),
        )

    def forward(self, x):
        return self.body(x)


class ConvAutoencoder(nn.Module):
    """conv (16), ReLU -> conv (32), ReLU -> dense code (32) -> dense, ReLU -> deconv (16), ReLU ->
    deconv (1), sigmoid."""

    def __init__(self, code=32):
        super().__init__()
        flat = (SIDE // 4) ** 2 * 32
        self.encoder = nn.Sequential(
            conv(1, 16), nn.ReLU(), conv(16, 32), nn.ReLU(), nn.Flatten(), nn.Linear(flat, code)
        )
        self.from_code = nn.Sequential(nn.Linear(code, flat), nn.ReLU())
        self.decoder = nn.Sequential(deconv(32, 16), nn.ReLU(), deconv(16, 1), nn.Sigmoid())

    def forward(self, x):
        inner = self.from_code(self.encoder(x)).view(-1, 32, SIDE // 4, SIDE // 4)
        return self.decoder(inner)


def dcgan_step_fn(data):
    generator, discriminator = Generator(), Discriminator()
    opt_g = torch.optim.Adam(generator.parameters(), lr=4e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=1e-4, betas=(0.5, 0.999))
    softplus = nn.functional.softplus

    def step(x):
        # Discriminator: real and generated rows in one pass (it has no batch statistics).
        with torch.no_grad():
            fake = generator(torch.randn(BATCH, 32))
        logits = discriminator(torch.cat([x, fake]))
        real, generated = logits[:BATCH], logits[BATCH:]
        loss_d = (softplus(real) - real).mean() + softplus(generated).mean()
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        # Generator: the non-saturating loss -log D(G(z)) on fresh noise.
        loss_g = softplus(-discriminator(generator(torch.randn(BATCH, 32)))).mean()
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()

    return step


def autoencoder_step_fn(data):
    model = ConvAutoencoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(x):
        loss = (model(x) - x).pow(2).sum() / BATCH
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def step_ms(make_step, data, threads, steps):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    step = make_step(data)
    rows = data.shape[0]

    def batch(s):
        start = (s * BATCH) % max(1, rows - BATCH)
        return data[start : start + BATCH]

    for s in range(3):
        step(batch(s))
    began = time.perf_counter()
    for s in range(steps):
        step(batch(s))
    return (time.perf_counter() - began) * 1000 / steps


def main():
    raw = np.fromfile(sys.argv[1], dtype=np.float32)
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    data = torch.from_numpy(raw.reshape(-1, 1, SIDE, SIDE).copy())
    models = {"dcgan": dcgan_step_fn, "convAutoencoder": autoencoder_step_fn}
    result = {}
    for name, make_step in models.items():
        result[name] = {
            str(threads): sorted(step_ms(make_step, data, threads, steps) for _ in range(3))[1]
            for threads in (1, 2)
        }
    with open("/proc/self/maps", encoding="utf8") as maps:
        loaded = maps.read()
    blas = next((name for name in ("openblas", "blis", "mkl", "atlas") if name in loaded), "reference")
    print(json.dumps({"torch": torch.__version__, "blas": blas, "stepMs": result}))


if __name__ == "__main__":
    main()
