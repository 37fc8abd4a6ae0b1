// Node 20 needs `with {type: "json"}` on JSON imports; the parser's build
// omits it (it targets Node 22), so add it here.
export async function load(url, context, next) {
  if (url.endsWith(".json")) {
    return next(url, { ...context, importAttributes: { type: "json" } });
  }
  return next(url, context);
}
