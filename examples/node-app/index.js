// The seed's reference app: answers HTTP on $PORT (default 3000).
const http = require("http");
const os = require("os");

const port = Number(process.env.PORT || 3000);

const server = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("ok\n");
    return;
  }
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ message: "hello from harden", node: process.version, uid: process.getuid(), host: os.hostname() }) + "\n");
});

server.listen(port, () => console.log(`listening on :${port}`));

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
