package debian

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// maxKeyringSize bounds a keyring file; Debian's archive keyring is ~100 KiB.
const maxKeyringSize = 16 << 20

// ReadKeyring reads OpenPGP public keys, binary or ASCII-armored.
func ReadKeyring(r io.Reader) (openpgp.EntityList, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxKeyringSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading keyring: %w", err)
	}
	if len(data) > maxKeyringSize {
		return nil, fmt.Errorf("keyring is larger than %d bytes", maxKeyringSize)
	}
	var keys openpgp.EntityList
	if bytes.Contains(data[:min(len(data), 1024)], []byte("-----BEGIN PGP")) {
		keys, err = openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	} else {
		keys, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	}
	if err != nil {
		return nil, fmt.Errorf("parsing keyring: %w", err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("keyring holds no keys")
	}
	return keys, nil
}

// LoadKeyring reads and merges the keyring files at paths.
func LoadKeyring(paths ...string) (openpgp.EntityList, error) {
	var all openpgp.EntityList
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("opening keyring: %w", err)
		}
		keys, err := ReadKeyring(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		all = append(all, keys...)
	}
	return all, nil
}

// signedByKeyring turns a Signed-By value into a keyring: an inline armored
// key block, or keyring file paths separated by commas or spaces. Key
// fingerprints (apt's other Signed-By form) need a keyring to look them up
// in, which harden does not guess: they are refused.
func signedByKeyring(signedBy string) (openpgp.EntityList, error) {
	v := strings.TrimSpace(signedBy)
	if strings.Contains(v, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
		return ReadKeyring(strings.NewReader(v + "\n"))
	}
	paths := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	for _, p := range paths {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("Signed-By %q is not a keyring path or key block (fingerprints are not supported; use --keyring)", p)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("empty Signed-By")
	}
	return LoadKeyring(paths...)
}
