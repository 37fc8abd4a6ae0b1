package debian

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"pault.ag/go/debian/control"
)

// ErrSignature is wrapped by every error about an InRelease signature that
// is missing, malformed, from an unknown key, or does not match.
var ErrSignature = errors.New("bad OpenPGP signature")

// ErrChecksum is wrapped by every error about a downloaded file whose size
// or checksum differs from what a signed index says.
var ErrChecksum = errors.New("checksum mismatch")

// ErrExpired is wrapped when an InRelease file is past its Valid-Until date.
var ErrExpired = errors.New("release file expired")

// maxReleaseSize bounds an InRelease file; Debian's are ~200 KiB.
const maxReleaseSize = 32 << 20

// Release is the verified content of an InRelease file.
type Release struct {
	Suite, Codename string
	Date            time.Time
	// ValidUntil is zero when the file has no Valid-Until field.
	ValidUntil    time.Time
	AcquireByHash bool
	Architectures []string
	Components    []string
	// Files maps a path below the suite directory (e.g.
	// "main/binary-amd64/Packages.xz") to its size and checksums.
	Files map[string]FileInfo
	// Signer is the fingerprint (hex) of the key that signed the file.
	Signer string
}

// FileInfo is the size and checksums of one file. Empty checksums are unknown.
type FileInfo struct {
	Size                      int64
	MD5, SHA1, SHA256, SHA512 string
}

// Verify checks data against the size and every checksum fi has.
func (fi FileInfo) Verify(data []byte) error {
	h := fi.newHasher()
	h.Write(data)
	return fi.match(h)
}

// hasher computes, in one pass, the checksums a FileInfo knows.
type hasher struct {
	n      int64
	hashes []namedHash
}

type namedHash struct {
	name, want string
	h          hash.Hash
}

func (h *hasher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	for _, nh := range h.hashes {
		nh.h.Write(p)
	}
	return len(p), nil
}

// sum returns the hex digest of the named algorithm, or "".
func (h *hasher) sum(name string) string {
	for _, nh := range h.hashes {
		if nh.name == name {
			return hex.EncodeToString(nh.h.Sum(nil))
		}
	}
	return ""
}

// newHasher hashes with every algorithm fi has a checksum for, and always SHA256.
func (fi FileInfo) newHasher() *hasher {
	h := &hasher{}
	for _, c := range []struct {
		name, want string
		h          func() hash.Hash
	}{
		{"SHA512", fi.SHA512, sha512.New}, {"SHA256", fi.SHA256, sha256.New},
		{"SHA1", fi.SHA1, sha1.New}, {"MD5", fi.MD5, md5.New},
	} {
		if c.want != "" || c.name == "SHA256" {
			h.hashes = append(h.hashes, namedHash{c.name, c.want, c.h()})
		}
	}
	return h
}

// match compares what h saw with fi. fi must have a SHA256 or SHA512.
func (fi FileInfo) match(h *hasher) error {
	if fi.SHA256 == "" && fi.SHA512 == "" {
		return fmt.Errorf("%w: no SHA256 or SHA512 to check against", ErrChecksum)
	}
	if h.n != fi.Size {
		return fmt.Errorf("%w: size %d, want %d", ErrChecksum, h.n, fi.Size)
	}
	for _, nh := range h.hashes {
		if nh.want == "" {
			continue
		}
		if got := hex.EncodeToString(nh.h.Sum(nil)); !strings.EqualFold(got, nh.want) {
			return fmt.Errorf("%w: %s %s, want %s", ErrChecksum, nh.name, got, nh.want)
		}
	}
	return nil
}

// VerifyInRelease checks the clearsigned InRelease data against keyring and
// parses only the signed text. now is compared to Valid-Until.
func VerifyInRelease(data []byte, keyring openpgp.KeyRing, now time.Time) (*Release, error) {
	if len(data) > maxReleaseSize {
		return nil, fmt.Errorf("InRelease is larger than %d bytes", maxReleaseSize)
	}
	block, _ := clearsign.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: InRelease is not a clearsigned document", ErrSignature)
	}
	cfg := &packet.Config{Time: func() time.Time { return now }}
	signer, err := block.VerifySignature(keyring, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: verifying InRelease: %v", ErrSignature, err)
	}
	rel, err := ParseRelease(block.Plaintext)
	if err != nil {
		return nil, err
	}
	if signer != nil && signer.PrimaryKey != nil {
		rel.Signer = strings.ToUpper(hex.EncodeToString(signer.PrimaryKey.Fingerprint))
	}
	if !rel.ValidUntil.IsZero() && now.After(rel.ValidUntil) {
		return nil, fmt.Errorf("%w: %s was valid until %s", ErrExpired, rel.Suite, rel.ValidUntil.Format(time.RFC3339))
	}
	return rel, nil
}

// ParseRelease parses the (already verified) text of a Release file.
func ParseRelease(text []byte) (*Release, error) {
	pr, err := control.NewParagraphReader(bytes.NewReader(text), nil)
	if err != nil {
		return nil, fmt.Errorf("parsing Release: %w", err)
	}
	p, err := pr.Next()
	if err != nil {
		return nil, fmt.Errorf("parsing Release: %w", err)
	}
	v := p.Values
	rel := &Release{
		Suite:         v["Suite"],
		Codename:      v["Codename"],
		AcquireByHash: strings.EqualFold(v["Acquire-By-Hash"], "yes"),
		Architectures: strings.Fields(v["Architectures"]),
		Components:    strings.Fields(v["Components"]),
		Files:         map[string]FileInfo{},
	}
	if d := v["Date"]; d != "" {
		if rel.Date, err = parseReleaseDate(d); err != nil {
			return nil, fmt.Errorf("parsing Release Date: %w", err)
		}
	}
	if d := v["Valid-Until"]; d != "" {
		if rel.ValidUntil, err = parseReleaseDate(d); err != nil {
			return nil, fmt.Errorf("parsing Release Valid-Until: %w", err)
		}
	}
	for _, field := range []string{"MD5Sum", "SHA1", "SHA256", "SHA512"} {
		for _, line := range strings.Split(v[field], "\n") {
			f := strings.Fields(line)
			if len(f) == 0 {
				continue
			}
			if len(f) != 3 {
				return nil, fmt.Errorf("parsing Release %s: bad line %q", field, line)
			}
			size, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || size < 0 {
				return nil, fmt.Errorf("parsing Release %s: bad size in %q", field, line)
			}
			fi, ok := rel.Files[f[2]]
			if !ok {
				fi.Size = size
			} else if fi.Size != size {
				return nil, fmt.Errorf("parsing Release: %s has two sizes", f[2])
			}
			switch field {
			case "MD5Sum":
				fi.MD5 = f[0]
			case "SHA1":
				fi.SHA1 = f[0]
			case "SHA256":
				fi.SHA256 = f[0]
			case "SHA512":
				fi.SHA512 = f[0]
			}
			rel.Files[f[2]] = fi
		}
	}
	return rel, nil
}

func parseReleaseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown date format %q", s)
}
