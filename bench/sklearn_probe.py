"""scikit-learn's LogisticRegression (lbfgs, C = 1) on the very features and splits latentkit's linear
probe used: the reference for the probe table of `npm run bench`.

usage: sklearn_probe.py manifest.json
The manifest lists jobs {features, rows, size, labels, train, test} (raw little-endian files: float32
features, int32 labels and row indices). Prints one JSON line: {version, accuracies: [...]}.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler


def main():
    jobs = json.load(open(sys.argv[1]))
    accuracies = []
    seconds = []
    for job in jobs:
        features = np.fromfile(job["features"], dtype="<f4").reshape(job["rows"], job["size"])
        labels = np.fromfile(job["labels"], dtype="<i4")
        train = np.fromfile(job["train"], dtype="<i4")
        test = np.fromfile(job["test"], dtype="<i4")
        started = time.perf_counter()
        scaler = StandardScaler().fit(features[train])
        model = LogisticRegression(C=1.0, max_iter=5000)
        model.fit(scaler.transform(features[train]), labels[train])
        accuracies.append(float(model.score(scaler.transform(features[test]), labels[test])))
        seconds.append(time.perf_counter() - started)
    print(json.dumps({"version": sklearn.__version__, "accuracies": accuracies, "seconds": seconds}))


main()
