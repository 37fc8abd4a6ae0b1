package minify

import (
	"path"
	"strings"

	"github.com/harden-dev/harden/elfinfo"
)

// libcInfo remembers the C library the program uses.
type libcInfo struct {
	path  string
	info  *elfinfo.Info
	gconv string
}

// sawLibc keeps, once, what glibc loads at run time without DT_NEEDED: the
// NSS modules /etc/nsswitch.conf names, libresolv, and the gconv modules.
func (k *Keeper) sawLibc(p string, info *elfinfo.Info) {
	if k.libc != nil {
		return
	}
	k.libc = &libcInfo{path: p, info: info}
	if !strings.HasPrefix(path.Base(p), "libc.so") && !strings.HasPrefix(path.Base(p), "libc-") {
		return // musl: no NSS, no gconv
	}
	dir := path.Dir(p)
	conf := "/etc/nsswitch.conf"
	data, ok := k.x.Content(conf)
	if ok {
		k.Keep(conf, Reason{Rule: "glibc-nss", Why: "glibc reads it to look up users, groups and hosts"})
	}
	services := []string{"files", "dns"}
	if ok {
		services = nsswitchServices(data)
	}
	for _, svc := range services {
		lib := "libnss_" + svc + ".so.2"
		found, err := k.findLibrary(lib, info, nil, nil, nil)
		if err != nil {
			continue // built into glibc 2.34+ (files, dns) or not installed
		}
		if lp, err := k.Keep(found, Reason{Rule: "glibc-nss", Why: "NSS module " + svc + " named by " + conf}); err == nil {
			if li, ok := elfInfo(k.x, lp); ok {
				k.enqueueELF(lp, li, nil, false)
			}
		}
	}
	if found, err := k.findLibrary("libgcc_s.so.1", info, nil, nil, nil); err == nil {
		k.Keep(found, Reason{Rule: "glibc-dlopen", Why: "glibc loads it with dlopen to unwind threads in pthread_cancel and pthread_exit"})
	}
	if found, err := k.findLibrary("libresolv.so.2", info, nil, nil, nil); err == nil {
		k.Keep(found, Reason{Rule: "glibc-resolv", Why: "glibc's DNS resolver, loaded by the dns NSS module"})
	}
	for _, f := range []string{"/etc/host.conf", "/etc/gai.conf", "/etc/services", "/etc/protocols", "/etc/rpc", "/etc/networks"} {
		if _, ok := k.x.Lookup(f); ok {
			k.Keep(f, Reason{Rule: "glibc-nss", Why: "read by glibc's resolver and getservbyname"})
		}
	}
	k.libc.gconv = path.Join(dir, "gconv")
}

// keepGconv keeps glibc's character set converters when a kept program
// calls iconv_open (node, python and java bring their own converters).
func (k *Keeper) keepGconv() {
	if k.libc == nil || k.libc.gconv == "" {
		return
	}
	e, err := k.x.Stat(k.libc.gconv)
	if err != nil || !e.IsDir() {
		return
	}
	if !k.usesIconv {
		k.drop(k.libc.gconv, "glibc's gconv modules: no kept program calls iconv_open (--include it if one loads them another way)")
		return
	}
	k.KeepTree(k.libc.gconv, Reason{Rule: "glibc-gconv", Why: "character set converters iconv_open loads at run time"}, nil)
}

// nsswitchServices lists the services nsswitch.conf names, in order, without
// duplicates or [ACTION] items.
func nsswitchServices(data []byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		_, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(rest) {
			if strings.HasPrefix(f, "[") || strings.HasSuffix(f, "]") || strings.Contains(f, "=") {
				continue
			}
			if !validService(f) || seen[f] {
				continue
			}
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

func validService(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// sawOpenSSL keeps OpenSSL's configuration and its providers (loaded with
// dlopen) next to the libcrypto that was kept.
func (k *Keeper) sawOpenSSL(libPath, lib string) {
	dir := path.Dir(libPath)
	r := Reason{Rule: "openssl", Why: "OpenSSL config and providers, for " + lib}
	for _, d := range []string{"ossl-modules", "engines-3", "engines-1.1"} {
		p := path.Join(dir, d)
		if e, err := k.x.Stat(p); err == nil && e.IsDir() {
			k.KeepTree(p, r, nil)
		}
	}
	for _, p := range []string{"/usr/lib/ssl/openssl.cnf", "/etc/ssl/openssl.cnf", "/usr/local/ssl/openssl.cnf", "/etc/pki/tls/openssl.cnf"} {
		if _, err := k.x.Resolve(p); err == nil {
			k.Keep(p, r)
		}
	}
	for _, p := range []string{"/usr/lib/ssl/certs", "/usr/lib/ssl/cert.pem", "/usr/lib/ssl/private"} {
		if _, ok := k.x.Lookup(p); ok {
			if _, err := k.Keep(p, r); err != nil {
				if e, ok := k.x.Lookup(p); ok {
					k.add(e, r)
				}
			}
		}
	}
}
