// Reference Java app for harden minify: an HTTP server from the JDK.
// GET /healthz answers "ok"; GET / answers JSON with a SHA-256 (JCA) and the
// time zone; `java -jar app.jar version` prints a line and exits.
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

public class Main {
    static String sha256() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(md.digest("harden".repeat(100).getBytes(StandardCharsets.UTF_8)));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("version")) {
            System.out.println("java app " + sha256());
            return;
        }
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/", ex -> {
            byte[] body;
            String kind;
            if (ex.getRequestURI().getPath().equals("/healthz")) {
                body = "ok\n".getBytes(StandardCharsets.UTF_8);
                kind = "text/plain";
            } else {
                String json;
                try {
                    json = "{\"message\":\"hello from harden\",\"java\":\"" + System.getProperty("java.version")
                        + "\",\"sha256\":\"" + sha256() + "\",\"zone\":\"" + java.time.ZoneId.systemDefault() + "\"}\n";
                } catch (Exception e) {
                    json = "{\"error\":\"" + e + "\"}\n";
                }
                body = json.getBytes(StandardCharsets.UTF_8);
                kind = "application/json";
            }
            ex.getResponseHeaders().set("Content-Type", kind);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        System.out.println("listening on :" + port);
    }
}
