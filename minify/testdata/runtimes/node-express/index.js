// An express app for harden's official-layout node test.
const express = require("express");
const app = express();
app.get("/healthz", (req, res) => res.type("text").send("ok\n"));
app.get("/", (req, res) => res.json({ message: "hello from express", node: process.version }));
const port = Number(process.env.PORT || 3000);
app.listen(port, () => console.log(`listening on :${port}`));
