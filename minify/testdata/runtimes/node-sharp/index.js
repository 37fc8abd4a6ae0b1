// A sharp app for harden's native-addon test: / renders a PNG with libvips
// and answers its metadata, so the addon and libvips must load.
const http = require("http");
const sharp = require("sharp");
const port = Number(process.env.PORT || 3000);
http.createServer(async (req, res) => {
  if (req.url === "/healthz") {
    res.end("ok\n");
    return;
  }
  try {
    const png = await sharp({ create: { width: 16, height: 8, channels: 3, background: "#336699" } }).png().toBuffer();
    const meta = await sharp(png).metadata();
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ format: meta.format, width: meta.width, height: meta.height, vips: sharp.versions.vips }) + "\n");
  } catch (e) {
    res.statusCode = 500;
    res.end(String(e) + "\n");
  }
}).listen(port, () => console.log(`listening on :${port}`));
