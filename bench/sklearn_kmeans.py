"""scikit-learn's KMeans and MiniBatchKMeans on latentkit's benchmark arrays, for `npm run bench`.
argv: data.f32 labels.u8 n d k seeds(comma-separated) batch_size minibatch_epochs.
KMeans(n_init=1, init='k-means++', algorithm='lloyd') once per seed; MiniBatchKMeans(n_init=1) with a
fixed number of epochs (max_no_improvement=None, tol=0) per seed, so both sides do the same work.
Each algorithm is fitted once untimed (seed 99) before its timed fits, as latentkit's side is warmed up.
Run with OMP_NUM_THREADS=1 (latentkit's WASM backend in Node is single-threaded). Prints JSON."""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score

data_file, labels_file, n, d, k, seeds, batch_size, epochs = sys.argv[1:9]
n, d, k, batch_size, epochs = int(n), int(d), int(k), int(batch_size), int(epochs)
seeds = [int(s) for s in seeds.split(",")]
X = np.fromfile(data_file, dtype=np.float32).reshape(n, d)
y = np.fromfile(labels_file, dtype=np.uint8)


def run(make):
    make(99).fit(X)  # warm-up, untimed
    rows = []
    for seed in seeds:
        model = make(seed)
        started = time.perf_counter()
        cpu_started = time.process_time()
        model.fit(X)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        labels = model.predict(X)
        inertia = float(-model.score(X))
        rows.append(
            {
                "seed": seed,
                "seconds": seconds,
                "cpuSeconds": cpu_seconds,
                "inertia": inertia,
                "ari": float(adjusted_rand_score(y, labels)),
                "iterations": int(model.n_iter_),
                "steps": int(getattr(model, "n_steps_", model.n_iter_)),
            }
        )
    return rows


lloyd = run(lambda seed: KMeans(n_clusters=k, init="k-means++", n_init=1, algorithm="lloyd", random_state=seed))
minibatch = run(
    lambda seed: MiniBatchKMeans(
        n_clusters=k,
        init="k-means++",
        n_init=1,
        batch_size=batch_size,
        max_iter=epochs,
        max_no_improvement=None,
        tol=0.0,
        reassignment_ratio=0.01,
        random_state=seed,
    )
)
print(json.dumps({"version": sklearn.__version__, "lloyd": lloyd, "minibatch": minibatch}))
