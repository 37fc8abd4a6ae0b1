package debian

import (
	"bytes"
	"strings"
	"testing"
)

// The parsers below read files from the network or the user; none may
// panic, whatever the input.

func FuzzParseDeb822Sources(f *testing.F) {
	f.Add("Types: deb\nURIs: http://m/debian\nSuites: bookworm\nComponents: main\nSigned-By: /k.gpg\n")
	f.Add("Types: deb\nURIs: http://m\nSuites: ./\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n x\n")
	f.Fuzz(func(t *testing.T, s string) {
		srcs, err := ParseDeb822Sources(strings.NewReader(s), "fuzz")
		if err == nil {
			Repos(srcs, "amd64")
		}
	})
}

func FuzzParseSourcesList(f *testing.F) {
	f.Add("deb [arch=amd64 signed-by=/k] http://m/debian bookworm main\n")
	f.Add("deb http://m/flat ./\n")
	f.Fuzz(func(t *testing.T, s string) {
		ParseSourcesList(strings.NewReader(s), "fuzz")
	})
}

func FuzzParsePackages(f *testing.F) {
	f.Add("Package: a\nVersion: 1:2.0-1\nArchitecture: amd64\nDepends: b (>= 1) | c, d:any [amd64]\nProvides: e (= 1)\nSize: 3\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		pkgs, err := ParsePackages(strings.NewReader(s), "", nil)
		if err != nil {
			return
		}
		ix, err := NewIndex("amd64", pkgs)
		if err != nil {
			return
		}
		var names []string
		for _, p := range pkgs {
			names = append(names, p.Name)
		}
		ix.Resolve(names)
	})
}

func FuzzParseRelease(f *testing.F) {
	f.Add([]byte("Suite: s\nDate: Sat, 10 Jun 2023 08:55:33 UTC\nSHA256:\n ab 1 main/binary-amd64/Packages\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseRelease(b)
	})
}

func FuzzReadDeb(f *testing.F) {
	f.Add([]byte("!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ReadDeb(bytes.NewReader(b))
		if err != nil {
			return
		}
		if rc, err := d.Data(); err == nil {
			buf := make([]byte, 1<<16)
			for i := 0; i < 64; i++ {
				if _, err := rc.Read(buf); err != nil {
					break
				}
			}
			rc.Close()
		}
	})
}
