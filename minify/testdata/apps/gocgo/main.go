// Command gocgo is the cgo reference app for harden minify: an HTTP server
// using SQLite through github.com/mattn/go-sqlite3 (C, so the binary links
// the image's glibc dynamically). GET /healthz answers "ok"; GET / writes a
// row into an in-memory database and answers JSON; PORT sets the port.
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	db, err := sql.Open("sqlite3", "file::memory:?cache=shared")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE visits (id INTEGER PRIMARY KEY, path TEXT)`); err != nil {
		log.Fatal(err)
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		var visits int
		var version string
		if _, err := db.Exec(`INSERT INTO visits (path) VALUES (?)`, r.URL.Path); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		if err := db.QueryRow(`SELECT count(*), sqlite_version() FROM visits`).Scan(&visits, &version); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"message": "hello from cgo", "go": runtime.Version(),
			"sqlite": version, "visits": visits, "uid": os.Getuid()})
	})
	log.Printf("listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
