"""A Flask app using Debian's numpy, for harden's import-resolution test."""
import os
import sys

import numpy
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return "ok\n"


@app.get("/")
def index():
    a = numpy.arange(12, dtype=numpy.float64).reshape(3, 4)
    return jsonify(sum=float(a.sum()), dot=float(numpy.dot(a[0], a[1])), inv=float(numpy.linalg.det(numpy.eye(3) * 2)),
                   numpy=numpy.__version__)


if __name__ == "__main__":
    if sys.argv[1:] == ["version"]:
        print("numpy", numpy.__version__, numpy.arange(4).sum())
        sys.exit(0)
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
