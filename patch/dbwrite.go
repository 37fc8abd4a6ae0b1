package patch

import (
	"fmt"
	"path"
	"strings"

	"github.com/harden-dev/harden/debian"
)

// database writes the updated dpkg database in the image's layout.
func (w *layerWriter) database(r *Result, debs []opened, files []*pkgFiles) error {
	d := r.db
	stanzas := map[string]string{}
	for i, od := range debs {
		name := od.u.Name
		conffiles := confList(od.d)
		stanzas[name] = statusStanza(od.d, !d.distroless, conffiles, files[i].md5)
		if d.distroless {
			controlPath := path.Join(dpkgStatusD, name)
			if in, ok := d.pkgs[name]; ok && in.controlPath != "" {
				controlPath = in.controlPath
			}
			if err := w.file(controlPath, []byte(stanzas[name])); err != nil {
				return err
			}
			if err := w.file(controlPath+".md5sums", md5sumsOf(files[i])); err != nil {
				return err
			}
			continue
		}
		infoName := name
		if in, ok := d.pkgs[name]; ok {
			infoName = in.infoName
		} else if od.d.Fields["Multi-Arch"] == "same" {
			infoName = name + ":" + od.u.Arch
		}
		list := "/.\n" + strings.Join(files[i].paths, "\n") + "\n"
		if err := w.file(path.Join(dpkgInfo, infoName+".list"), []byte(list)); err != nil {
			return err
		}
		if od.d.MD5Sums != nil {
			if err := w.file(path.Join(dpkgInfo, infoName+".md5sums"), od.d.MD5Sums); err != nil {
				return err
			}
		}
		if err := w.controlMembers(infoName, od.d); err != nil {
			return err
		}
	}
	if d.distroless {
		return nil
	}
	var b strings.Builder
	for _, st := range d.order {
		name := st.Name()
		if s, ok := stanzas[name]; ok {
			b.WriteString(s)
			delete(stanzas, name)
		} else {
			b.WriteString(st.Text)
		}
		b.WriteByte('\n')
	}
	for _, od := range debs { // packages a dependency brought in
		if s, ok := stanzas[od.u.Name]; ok {
			b.WriteString(s)
			b.WriteByte('\n')
		}
	}
	return w.file(dpkgStatus, []byte(b.String()))
}

// controlMembers puts the new version's scripts, triggers and conffiles
// list in info/ as dpkg does (they are not run), and removes the old
// version's ones the new one does not have.
func (w *layerWriter) controlMembers(infoName string, d *debian.Deb) error {
	for _, m := range []string{"conffiles", "postinst", "postrm", "preinst", "prerm", "triggers"} {
		p := path.Join(dpkgInfo, infoName+"."+m)
		data, ok := d.Scripts[m]
		if !ok {
			c, err := w.canonical(p)
			if err != nil {
				return err
			}
			if e := w.existing(c); e != nil && !e.IsDir() {
				if err := w.whiteout(c); err != nil {
					return err
				}
			}
			continue
		}
		mode := int64(0o644)
		if m != "conffiles" && m != "triggers" {
			mode = 0o755
		}
		if err := w.fileMode(p, data, mode); err != nil {
			return err
		}
	}
	return nil
}

// confList returns the conffiles a package declares.
func confList(d *debian.Deb) []string {
	var out []string
	for _, l := range strings.Split(string(d.Scripts["conffiles"]), "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "/") {
			out = append(out, path.Clean(l))
		}
	}
	return out
}

// md5sumsOf lists the files the layer wrote for a package, as md5sums does.
func md5sumsOf(pf *pkgFiles) []byte {
	var b strings.Builder
	for _, p := range pf.paths {
		if sum, ok := pf.md5[p]; ok && pf.written[p] {
			fmt.Fprintf(&b, "%s  %s\n", sum, strings.TrimPrefix(p, "/"))
		}
	}
	return []byte(b.String())
}
