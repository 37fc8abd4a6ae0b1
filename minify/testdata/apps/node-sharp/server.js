// The app of harden's node-sharp fixture. GET /healthz answers "ok";
// GET /resize draws a 256x256 image, resizes it to 32x32 with sharp (native
// libvips) and answers JSON with the PNG's size and its first bytes; PORT
// sets the port.
const http = require('node:http');
const sharp = require('sharp');

async function resize() {
  const png = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#c0ffee' } })
    .resize(32, 32)
    .png()
    .toBuffer();
  const meta = await sharp(png).metadata();
  return { format: meta.format, width: meta.width, height: meta.height, bytes: png.length, magic: png.subarray(1, 4).toString() };
}

const server = http.createServer(async (req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return res.end('ok\n');
  }
  if (req.url === '/resize') {
    try {
      const body = JSON.stringify({ ...(await resize()), vips: sharp.versions.vips });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(body + '\n');
    } catch (err) {
      res.writeHead(500);
      return res.end(String(err) + '\n');
    }
  }
  res.writeHead(404);
  res.end('not found\n');
});
const port = Number(process.env.PORT || 3000);
server.listen(port, () => console.log(`listening on :${port}`));
