"""scikit-learn's KMeans on the digits' pixels, the baseline row of latentkit's DEC bench.
argv: data.f32 labels.u8 n d k n_init. KMeans(n_init, init='k-means++', random_state=1); accuracy by
the best one-to-one matching of clusters to labels (scipy's linear_sum_assignment) and NMI
(arithmetic). Run with OMP_NUM_THREADS=1. Prints JSON."""
import json
import sys
import time

import numpy as np
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score

data_file, labels_file, n, d, k, n_init = sys.argv[1:7]
n, d, k, n_init = int(n), int(d), int(k), int(n_init)
X = np.fromfile(data_file, dtype=np.float32).reshape(n, d)
y = np.fromfile(labels_file, dtype=np.uint8).astype(np.int64)

started = time.perf_counter()
labels = KMeans(n_clusters=k, n_init=n_init, random_state=1).fit_predict(X)
seconds = time.perf_counter() - started

table = np.zeros((k, int(y.max()) + 1))
for cluster, label in zip(labels, y):
    table[cluster, label] += 1
rows, columns = linear_sum_assignment(-table)
accuracy = float(table[rows, columns].sum() / n)
print(
    json.dumps(
        {
            "version": sklearn.__version__,
            "accuracy": accuracy,
            "nmi": float(normalized_mutual_info_score(y, labels)),
            "seconds": seconds,
        }
    )
)
