"""scikit-learn's PCA on latentkit's benchmark array, for `npm run bench`.
argv: data.f32 n d configs, where configs is `k:solver[:seed],...` (solver 'full' or 'randomized').
The float32 array is fitted as float64 (scikit-learn's exact reference). Each config is fitted
`repeats` times (argv[5], default 3) and the median time reported. Run with OMP_NUM_THREADS=1
(latentkit's WASM backend in Node is single-threaded). Prints JSON."""
import json
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.decomposition import PCA

data_file, n, d, configs = sys.argv[1:5]
repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 3
n, d = int(n), int(d)
X = np.fromfile(data_file, dtype=np.float32).reshape(n, d).astype(np.float64)

results = []
for config in configs.split(","):
    parts = config.split(":")
    k, solver = int(parts[0]), parts[1]
    seed = int(parts[2]) if len(parts) > 2 else 0
    times = []
    for _ in range(repeats):
        model = PCA(n_components=k, svd_solver=solver, random_state=seed)
        started = time.perf_counter()
        model.fit(X)
        times.append(time.perf_counter() - started)
    results.append(
        {
            "k": k,
            "solver": solver,
            "seconds": statistics.median(times),
            "explainedVarianceRatio": model.explained_variance_ratio_.tolist(),
            "components": model.components_.ravel().tolist(),
        }
    )

print(json.dumps({"version": sklearn.__version__, "results": results}))
