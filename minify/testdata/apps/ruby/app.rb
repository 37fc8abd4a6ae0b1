# The app of harden's ruby fixture: a WEBrick server (ruby-webrick).
# GET /healthz answers "ok"; GET / answers JSON made with digest and zlib.
# PORT sets the port (default 8080).
require 'digest'
require 'json'
require 'webrick'
require 'zlib'

port = Integer(ENV.fetch('PORT', '8080'))
server = WEBrick::HTTPServer.new(Port: port, BindAddress: '0.0.0.0',
                                 AccessLog: [], Logger: WEBrick::Log.new($stderr, WEBrick::Log::WARN))
server.mount_proc('/healthz') do |_req, res|
  res['Content-Type'] = 'text/plain'
  res.body = "ok\n"
end
server.mount_proc('/') do |_req, res|
  data = 'harden' * 100
  res['Content-Type'] = 'application/json'
  res.body = JSON.generate(message: 'hello from ruby', ruby: RUBY_VERSION,
                           sha256: Digest::SHA256.hexdigest(data),
                           deflate: Zlib::Deflate.deflate(data).bytesize, uid: Process.uid) + "\n"
end
trap('TERM') { server.shutdown }
$stderr.puts "listening on :#{port}"
server.start
