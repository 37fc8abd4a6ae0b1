// Command goapp is the reference Go app for harden minify: a static HTTP
// server. GET /healthz answers "ok"; GET / answers JSON; `goapp version`
// prints a line and exits.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime"
	"strings"
)

func sum() string {
	h := sha256.Sum256([]byte(strings.Repeat("harden", 100)))
	return hex.EncodeToString(h[:])
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Println("go app", sum())
		return
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"message": "hello from harden", "go": runtime.Version(), "sha256": sum(), "uid": os.Getuid()})
	})
	log.Printf("listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
