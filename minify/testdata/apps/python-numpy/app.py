"""The app of harden's python-numpy fixture: Flask and NumPy from Debian.

GET /healthz answers "ok"; GET / computes with NumPy in the request and
answers JSON. PORT sets the port (default 8000).
"""
import os

import numpy as np
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return "ok\n", 200, {"Content-Type": "text/plain"}


@app.get("/")
def index():
    m = np.arange(1, 10, dtype=np.float64).reshape(3, 3) + np.eye(3)
    return jsonify(
        message="hello from flask",
        numpy=np.__version__,
        det=round(float(np.linalg.det(m)), 6),
        mean=float(m.mean()),
        uid=os.getuid(),
    )


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
