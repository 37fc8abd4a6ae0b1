package debiantest

import (
	"bytes"
	"crypto"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Repo is a signed Debian repository served on 127.0.0.1 for one test.
// Files can be replaced after it starts, to tamper with them.
type Repo struct {
	// URL is the repository root, e.g. "http://127.0.0.1:PORT/debian".
	URL         string
	Suite, Arch string
	// Key signs InRelease; Keyring holds its public half.
	Key     *openpgp.Entity
	Keyring openpgp.EntityList
	// Requests counts the GETs per path, to see what was (re)downloaded.
	Requests map[string]int

	mu    sync.Mutex
	files map[string][]byte
	debs  map[string][]byte // name -> .deb
}

// NewKey makes a signing key for tests (Ed25519, fast to generate).
func NewKey(t testing.TB) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity("harden test archive", "", "archive@example.invalid", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// PublicKeyring returns e's public key as a keyring.
func PublicKeyring(t testing.TB, e *openpgp.Entity) openpgp.EntityList {
	t.Helper()
	var b bytes.Buffer
	if err := e.Serialize(&b); err != nil {
		t.Fatal(err)
	}
	kr, err := openpgp.ReadKeyRing(&b)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// NewRepo builds pkgs, indexes them and serves suite for arch until the
// test ends. The Release file has Acquire-By-Hash and lists Packages,
// Packages.xz and Packages.gz (only the compressed ones are served, as on
// Debian's mirrors).
func NewRepo(t testing.TB, suite, arch string, pkgs ...Package) *Repo {
	t.Helper()
	key := NewKey(t)
	r := &Repo{Suite: suite, Arch: arch, Key: key, Keyring: PublicKeyring(t, key), Requests: map[string]int{}, files: map[string][]byte{}, debs: map[string][]byte{}}
	var index bytes.Buffer
	sort.SliceStable(pkgs, func(i, j int) bool { return pkgs[i].Name < pkgs[j].Name })
	for _, p := range pkgs {
		deb, err := p.Build()
		if err != nil {
			t.Fatal(err)
		}
		r.files[p.Filename()] = deb
		r.debs[p.Name] = deb
		s := sha256.Sum256(deb)
		m := md5.Sum(deb)
		fmt.Fprintf(&index, "%sFilename: %s\nSize: %d\nMD5sum: %s\nSHA256: %s\n\n",
			p.Control(), p.Filename(), len(deb), hex.EncodeToString(m[:]), hex.EncodeToString(s[:]))
	}
	r.setIndex(t, index.Bytes())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(r.serve)}}
	srv.Start()
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/debian"
	return r
}

// setIndex writes the Packages files and a signed InRelease for them.
func (r *Repo) setIndex(t testing.TB, packages []byte) {
	t.Helper()
	dir := "main/binary-" + r.Arch + "/"
	xzData, err := compress("xz", packages)
	if err != nil {
		t.Fatal(err)
	}
	gzData, err := compress("gz", packages)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string][]byte{dir + "Packages": packages, dir + "Packages.xz": xzData, dir + "Packages.gz": gzData}
	var names []string
	for n := range listed {
		names = append(names, n)
	}
	sort.Strings(names)
	var rel strings.Builder
	fmt.Fprintf(&rel, "Origin: Test\nSuite: %s\nCodename: %s\nDate: %s\nValid-Until: %s\nAcquire-By-Hash: yes\nArchitectures: %s\nComponents: main\n",
		r.Suite, r.Suite, time.Now().UTC().Format(time.RFC1123), time.Now().Add(24*time.Hour).UTC().Format(time.RFC1123), r.Arch)
	rel.WriteString("MD5Sum:\n")
	for _, n := range names {
		s := md5.Sum(listed[n])
		fmt.Fprintf(&rel, " %s %d %s\n", hex.EncodeToString(s[:]), len(listed[n]), n)
	}
	rel.WriteString("SHA256:\n")
	for _, n := range names {
		s := sha256.Sum256(listed[n])
		fmt.Fprintf(&rel, " %s %d %s\n", hex.EncodeToString(s[:]), len(listed[n]), n)
		if n != dir+"Packages" {
			r.files["dists/"+r.Suite+"/"+dir+"by-hash/SHA256/"+hex.EncodeToString(s[:])] = listed[n]
			r.files["dists/"+r.Suite+"/"+n] = listed[n]
		}
	}
	r.files["dists/"+r.Suite+"/InRelease"] = r.Sign(t, []byte(rel.String()))
}

// Sign clearsigns text with the repository key.
func (r *Repo) Sign(t testing.TB, text []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := clearsign.Encode(&b, r.Key.PrivateKey, &packet.Config{DefaultHash: crypto.SHA256})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(text)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (r *Repo) serve(w http.ResponseWriter, req *http.Request) {
	p := strings.TrimPrefix(req.URL.Path, "/debian/")
	r.mu.Lock()
	r.Requests[p]++
	data, ok := r.files[p]
	r.mu.Unlock()
	if !ok || req.Method != http.MethodGet {
		http.NotFound(w, req)
		return
	}
	w.Write(data)
}

// Get returns a served file (path below the repository root).
func (r *Repo) Get(path string) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.files[path]
}

// Set replaces (or adds) a served file.
func (r *Repo) Set(path string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.files[path] = data
}

// Deb returns the built .deb of a package by name.
func (r *Repo) Deb(name string) []byte { return r.debs[name] }

// KeyringFile writes the public key, armored, to a file in dir and returns its path.
func (r *Repo) KeyringFile(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "test-archive-keyring.asc")
	var b bytes.Buffer
	aw, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Key.Serialize(aw); err != nil {
		t.Fatal(err)
	}
	aw.Close()
	b.WriteByte('\n')
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
