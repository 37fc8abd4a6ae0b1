package base

import (
	"bytes"
	"github.com/harden-dev/harden/internal/distroless"
	"sort"
	"strings"
)

// The users and groups every base has, as distroless ships them.
const (
	nonrootUID = distroless.NonrootUID
	nobodyUID  = 65534

	passwdFile = `root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
`
	groupFile = `root:x:0:
tty:x:5:
staff:x:50:
nobody:x:65534:
nonroot:x:65532:
`
	// nsswitchFile is written when no package ships /etc/nsswitch.conf
	// (base-files installs it from a postinst, which never runs here).
	nsswitchFile = distroless.Nsswitch
	caBundlePath = "/etc/ssl/certs/ca-certificates.crt"
	// caSourceDir holds the certificates ca-certificates ships; its postinst
	// (update-ca-certificates) would concatenate them into caBundlePath.
	caSourceDir = "usr/share/ca-certificates/"
	// maxCert and maxCABundle bound what is kept in memory for the bundle.
	maxCert     = 1 << 20
	maxCABundle = 32 << 20
)

// caBundle collects certificates as they stream past.
type caBundle struct {
	certs map[string][]byte
	size  int
}

// wants reports whether the file at name (clean, relative) belongs in the bundle.
func (c *caBundle) wants(name string, size int64) bool {
	return strings.HasPrefix(name, caSourceDir) && strings.HasSuffix(name, ".crt") &&
		size <= maxCert && c.size+int(size) <= maxCABundle
}

func (c *caBundle) add(name string, pem []byte) {
	if c.certs == nil {
		c.certs = map[string][]byte{}
	}
	c.certs[name] = pem
	c.size += len(pem)
}

// bytes concatenates the certificates in path order, as update-ca-certificates
// does with the default (all enabled) configuration.
func (c *caBundle) bytes() []byte {
	var names []string
	for n := range c.certs {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		pem := c.certs[n]
		b.Write(pem)
		if len(pem) > 0 && pem[len(pem)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// docsDropped reports whether a path is documentation left out of the
// image (as Debian's slim images do): everything under usr/share/doc except
// copyright files, directories and links, and the man, info and lintian
// trees. Licences stay.
func docsDropped(name string, isDir, isLink bool) bool {
	for _, p := range []string{"usr/share/man/", "usr/share/info/", "usr/share/lintian/", "usr/share/linda/"} {
		if strings.HasPrefix(name+"/", p) {
			return true
		}
	}
	if strings.HasPrefix(name, "usr/share/doc/") {
		if isDir || isLink {
			return false
		}
		return !strings.HasSuffix(name, "/copyright")
	}
	return false
}
