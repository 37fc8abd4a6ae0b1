"""Reference Python app for harden minify: a standard-library HTTP server.

GET /healthz answers "ok"; GET / answers JSON that exercises C extensions
(hashlib through OpenSSL, zlib, json). `server.py version` prints and exits.
"""
import hashlib
import http.server
import json
import os
import sys
import zlib


def info():
    data = b"harden" * 100
    return {
        "message": "hello from harden",
        "python": sys.version.split()[0],
        "sha256": hashlib.sha256(data).hexdigest(),
        "zlib": len(zlib.compress(data)),
        "uid": os.getuid(),
    }


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/healthz":
            body, kind = b"ok\n", "text/plain"
        else:
            body, kind = (json.dumps(info()) + "\n").encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    if sys.argv[1:] == ["version"]:
        print("python app", info()["sha256"])
        sys.exit(0)
    port = int(os.environ.get("PORT", "8000"))
    print(f"listening on :{port}", flush=True)
    http.server.ThreadingHTTPServer(("", port), Handler).serve_forever()
