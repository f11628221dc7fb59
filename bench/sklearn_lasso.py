"""scikit-learn's sparse_encode(algorithm='lasso_cd') on latentkit's benchmark lasso problem, for
`npm run bench`. argv: patches.f32 atoms.f32 n k m lambda out.f32. sklearn scales alpha by 1/m inside
sparse_encode, so alpha = lambda solves the same problem: min ½‖x − Dᵀa‖² + λ‖a‖₁ per patch.
Prints JSON with the median time of 3 runs; writes the codes as float32."""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.decomposition import sparse_encode

patches_file, atoms_file, n, k, m, lam, out = sys.argv[1:8]
n, k, m, lam = int(n), int(k), int(m), float(lam)
X = np.fromfile(patches_file, dtype=np.float32).reshape(n, m).astype(np.float64)
D = np.fromfile(atoms_file, dtype=np.float32).reshape(k, m).astype(np.float64)
times = []
codes = None
for _ in range(3):
    started = time.perf_counter()
    codes = sparse_encode(X, D, algorithm="lasso_cd", alpha=lam, max_iter=5000, n_jobs=1)
    times.append(time.perf_counter() - started)
codes.astype(np.float32).tofile(out)
print(json.dumps({"version": sklearn.__version__, "seconds": sorted(times)[1], "runs": times}))
