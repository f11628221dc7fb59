"""latentkit's default convolutional models in PyTorch on the CPU, for `npm run bench`: one training
step of the DCGAN (architecture 'conv', 28x28x1, 16 filters, noise 32, batch 64: a discriminator
step on real and generated rows, then a generator step, Adam with beta1 0.5), of the same DCGAN as
an InfoGAN (a four-way code and four continuous ones in the noise, Q as eight more columns of the
discriminator's last layer, lambda 1: bench/convModelStep.ts's codes) and of the convolutional
autoencoder (architecture 'conv', code 32, batch 64, summed squared error, Adam 1e-3), layer for
layer as latentkit builds them.

A persistent step server, so that the bench can interleave PyTorch's steps with latentkit's in rounds
(slow drift of a shared machine then hits both sides alike). Reads float32 rows of 28x28 images from
argv[1] and runs on argv[2] threads (one process per thread count: an OpenMP pool resized in one
process kept spinning threads that slowed the one-thread steps 2-5x), prints one JSON line
{torch, blas, threads} when ready, then answers each JSON command line on stdin
{"model": "dcgan" | "infogan" | "convAutoencoder", "steps": s} with one JSON line
{wallMs, cpuMs}: the mean wall and CPU (time.process_time, all threads) milliseconds per step over
s steps. Each model keeps its
own weights and optimiser across commands, made (seed 1) and warmed up by three steps at its first
command. {"profile": model, "steps": s} answers {table}: torch.autograd.profiler's per-operation
table over s steps. End of input ends it."""
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
    """image -> conv (16), leaky ReLU 0.2 -> conv (32), leaky ReLU 0.2 -> dense -> logit (and an
    InfoGAN's Q outputs beside it: `outputs` columns in all)."""

    def __init__(self, filters=16, outputs=1):
        super().__init__()
        self.body = nn.Sequential(
            conv(1, filters),
            nn.LeakyReLU(0.2),
            conv(filters, 2 * filters),
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            nn.Linear((SIDE // 4) ** 2 * 2 * filters, outputs),
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


CATEGORIES = 4
CONTINUOUS = 4
CODES = CATEGORIES + CONTINUOUS


def info_noise():
    """InfoGAN's input: a one-hot four-way code, four codes uniform in [-1, 1], then normal noise."""
    z = torch.randn(BATCH, 32)
    z[:, :CATEGORIES] = nn.functional.one_hot(torch.randint(CATEGORIES, (BATCH,)), CATEGORIES)
    z[:, CATEGORIES:CODES] = torch.rand(BATCH, CONTINUOUS) * 2 - 1
    return z


def information_loss(q, z):
    """L_I: the categorical code's cross-entropy plus half the continuous codes' squared error, batch
    mean (as latentkit's infoTerm.ts, unit variance)."""
    target = z[:, :CATEGORIES].argmax(1)
    categorical = nn.functional.cross_entropy(q[:, :CATEGORIES], target, reduction="sum")
    continuous = 0.5 * (q[:, CATEGORIES:] - z[:, CATEGORIES:CODES]).pow(2).sum()
    return (categorical + continuous) / q.shape[0]


def infogan_step_fn(data):
    generator, discriminator = Generator(), Discriminator(outputs=1 + CODES)
    opt_g = torch.optim.Adam(generator.parameters(), lr=4e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=1e-4, betas=(0.5, 0.999))
    softplus = nn.functional.softplus

    def step(x):
        # Discriminator and Q: real and generated rows in one pass; Q learns the generated codes.
        z = info_noise()
        with torch.no_grad():
            fake = generator(z)
        out = discriminator(torch.cat([x, fake]))
        real, generated = out[:BATCH, 0], out[BATCH:, 0]
        loss_d = (softplus(real) - real).mean() + softplus(generated).mean()
        loss_d = loss_d + information_loss(out[BATCH:, 1:], z)
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        # Generator: -log D(G(z)) plus L_I through Q, on fresh noise.
        z = info_noise()
        out = discriminator(generator(z))
        loss_g = softplus(-out[:, 0]).mean() + information_loss(out[:, 1:], z)
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


class Server:
    """The models stepped so far, each with its next batch index."""

    MODELS = {
        "dcgan": dcgan_step_fn,
        "infogan": infogan_step_fn,
        "convAutoencoder": autoencoder_step_fn,
    }

    def __init__(self, data):
        self.data = data
        self.steppers = {}

    def batch(self, s):
        rows = self.data.shape[0]
        start = (s * BATCH) % max(1, rows - BATCH)
        return self.data[start : start + BATCH]

    def stepper(self, model):
        if model not in self.steppers:
            torch.manual_seed(1)
            step = self.MODELS[model](self.data)
            for s in range(3):
                step(self.batch(s))
            self.steppers[model] = [step, 3]
        return self.steppers[model]

    def run(self, model, steps):
        entry = self.stepper(model)
        step, first = entry
        wall, cpu = time.perf_counter(), time.process_time()
        for s in range(first, first + steps):
            step(self.batch(s))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        entry[1] = first + steps
        return {"wallMs": wall * 1000 / steps, "cpuMs": cpu * 1000 / steps}

    def profile(self, model, steps):
        entry = self.stepper(model)
        step, first = entry
        with torch.autograd.profiler.profile() as prof:
            for s in range(first, first + steps):
                step(self.batch(s))
        entry[1] = first + steps
        return {"table": prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25)}


def main():
    raw = np.fromfile(sys.argv[1], dtype=np.float32)
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    torch.set_num_threads(threads)
    data = torch.from_numpy(raw.reshape(-1, 1, SIDE, SIDE).copy())
    server = Server(data)
    with open("/proc/self/maps", encoding="utf8") as maps:
        loaded = maps.read()
    blas = next((name for name in ("openblas", "blis", "mkl", "atlas") if name in loaded), "reference")
    print(json.dumps({"torch": torch.__version__, "blas": blas, "threads": threads}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if "profile" in command:
            reply = server.profile(command["profile"], int(command["steps"]))
        else:
            reply = server.run(command["model"], int(command["steps"]))
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
