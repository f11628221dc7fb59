"""scikit-learn's BernoulliRBM on latentkit's benchmark split of the digits, for `npm run bench`.

argv: data.f32 labels.u8 train.i32 test.i32 n d hidden learning_rate batch_size epochs seeds draws ours
  data.f32: all n × d digits (float32, values in [0, 1]); train / test: row indices (int32);
  seeds: comma-separated; ours: comma-separated files of latentkit's RBM features (float32, all n rows
  × hidden), one per seed, or '-' for none.
For each seed: BernoulliRBM(n_components=hidden, learning_rate, batch_size, n_iter=epochs,
random_state=seed) fitted on the training rows (fit time; no verbose), its pseudo-likelihood
(`score_samples(X).mean()`) on the training and the test rows — a stochastic estimate (one random
value of each row flipped), so averaged over `draws` flip draws: `random_state` set to seed + 1000 k
for draw k (draw 0 is the plain call after fitting) — and the test accuracy of the
documented example's LogisticRegression (newton-cg, tol=1, C=6000) on its features and on latentkit's
features of the same seed — the same classifier on both, so only the RBM differs. Raw pixels: the
example's C=100. One untimed epoch at seed 99 first (a warm-up, as on latentkit's side). Run with
OMP_NUM_THREADS=1. Prints JSON."""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import BernoulliRBM

data_file, labels_file, train_file, test_file = sys.argv[1:5]
n, d, hidden = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
learning_rate, batch_size, epochs = float(sys.argv[8]), int(sys.argv[9]), int(sys.argv[10])
seeds = [int(s) for s in sys.argv[11].split(",")]
draws = int(sys.argv[12])
ours = [] if sys.argv[13] == "-" else sys.argv[13].split(",")

X = np.fromfile(data_file, dtype="<f4").reshape(n, d)
y = np.fromfile(labels_file, dtype=np.uint8)
train = np.fromfile(train_file, dtype="<i4")
test = np.fromfile(test_file, dtype="<i4")


def accuracy(features, C=6000.0):
    """The documented example's classifier on `features` of every row: test accuracy."""
    model = LogisticRegression(solver="newton-cg", tol=1, C=C)
    model.fit(features[train], y[train])
    return float(model.score(features[test], y[test]))


def pseudo_likelihood(rbm, seed, rows):
    """score_samples(X).mean() for each of `draws` flip draws: [mean over draws, draw 0]."""
    values = []
    for k in range(draws):
        rbm.random_state = seed + 1000 * k
        values.append(float(rbm.score_samples(X[rows]).mean()))
    rbm.random_state = seed
    return float(np.mean(values)), values[0]


# Warm-up, untimed (latentkit's side is timed after a warm-up epoch too).
BernoulliRBM(
    n_components=hidden, learning_rate=learning_rate, batch_size=batch_size, n_iter=1, random_state=99
).fit(X[train])

runs = []
for i, seed in enumerate(seeds):
    rbm = BernoulliRBM(
        n_components=hidden,
        learning_rate=learning_rate,
        batch_size=batch_size,
        n_iter=epochs,
        random_state=seed,
    )
    started = time.perf_counter()
    cpu_started = time.process_time()
    rbm.fit(X[train])
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    train_pl, train_first = pseudo_likelihood(rbm, seed, train)
    test_pl, test_first = pseudo_likelihood(rbm, seed, test)
    run = {
        "seed": seed,
        "seconds": seconds,
        "secondsPerEpoch": seconds / epochs,
        "cpuSecondsPerEpoch": cpu_seconds / epochs,
        "pseudoLikelihoodTrain": train_pl,
        "pseudoLikelihoodTest": test_pl,
        "pseudoLikelihoodTrainFirstDraw": train_first,
        "pseudoLikelihoodTestFirstDraw": test_first,
        "accuracy": accuracy(rbm.transform(X)),
    }
    if i < len(ours):
        features = np.fromfile(ours[i], dtype="<f4").reshape(n, hidden)
        run["latentkitAccuracy"] = accuracy(features)
    runs.append(run)

print(
    json.dumps(
        {
            "version": sklearn.__version__,
            "rawAccuracy": accuracy(X, C=100.0),
            "runs": runs,
        }
    )
)
