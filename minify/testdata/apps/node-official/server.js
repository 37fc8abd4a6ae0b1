// The Express app of harden's node-official fixture. GET /healthz answers
// "ok"; GET / answers JSON made with crypto and zlib; PORT sets the port.
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const express = require('express');

const app = express();
app.get('/healthz', (req, res) => res.type('text/plain').send('ok\n'));
app.get('/', (req, res) => {
  const data = Buffer.from('harden'.repeat(100));
  res.json({
    message: 'hello from express',
    node: process.version,
    sha256: crypto.createHash('sha256').update(data).digest('hex'),
    gzip: zlib.gzipSync(data).length,
    uid: process.getuid(),
  });
});
const port = Number(process.env.PORT || 3000);
app.listen(port, () => console.log(`listening on :${port}`));
