<?php
// The app of harden's php fixture, run by PHP's built-in server as its
// router. GET /healthz answers "ok"; GET / writes a row into an SQLite
// database in /tmp through PDO and answers JSON with what it read back.
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/healthz') {
    header('Content-Type: text/plain');
    echo "ok\n";
    return;
}
if ($path !== '/') {
    http_response_code(404);
    echo "not found\n";
    return;
}
$db = new PDO('sqlite:/tmp/harden-app.db');
$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$db->exec('CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY, at TEXT)');
$db->prepare('INSERT INTO visits (at) VALUES (?)')->execute([gmdate('c')]);
$count = (int) $db->query('SELECT count(*) FROM visits')->fetchColumn();
header('Content-Type: application/json');
echo json_encode([
    'message' => 'hello from php',
    'php' => PHP_VERSION,
    'sqlite' => $db->query('SELECT sqlite_version()')->fetchColumn(),
    'visits' => $count,
    'sha256' => hash('sha256', str_repeat('harden', 100)),
    'uid' => posix_getuid(),
]), "\n";
