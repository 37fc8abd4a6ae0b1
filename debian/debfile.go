package debian

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"pault.ag/go/debian/control"
	"pault.ag/go/debian/deb"
)

// Limits on what is read into memory from a .deb's control archive.
const (
	maxControlFile = 1 << 20  // the control stanza
	maxMD5Sums     = 32 << 20 // one line per file
)

// Deb is an opened .deb file: its control stanza and md5sums, read and
// bounded, and the data archive to stream. Nothing in it is executed.
type Deb struct {
	// Control is the package's control stanza as shipped (DEBIAN/control).
	Control []byte
	// Fields are the parsed control fields.
	Fields map[string]string
	// MD5Sums is DEBIAN/md5sums, or nil when the package has none.
	MD5Sums []byte
	// Scripts holds the other control members a package manager acts on,
	// by name: preinst, postinst, prerm, postrm, triggers and conffiles.
	// They are read (bounded), never run.
	Scripts map[string][]byte
	// DataName is the data member's name, e.g. "data.tar.xz".
	DataName string
	// DataModTime is the data member's ar timestamp: when the package was built.
	DataModTime time.Time

	data io.Reader
}

// ReadDeb opens the .deb in r: it reads the control archive and finds the
// data archive (any of xz, zst, gz, bz2 or uncompressed).
func ReadDeb(r io.ReaderAt) (*Deb, error) {
	ar, err := deb.LoadAr(r)
	if err != nil {
		return nil, fmt.Errorf("reading .deb: %w", err)
	}
	d := &Deb{}
	var sawBinary, sawControl bool
	for {
		m, err := ar.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading .deb: %w", err)
		}
		switch name := strings.TrimSuffix(m.Name, "/"); {
		case name == "debian-binary":
			v, _ := io.ReadAll(io.LimitReader(m.Data, 16))
			if !strings.HasPrefix(string(v), "2.") {
				return nil, fmt.Errorf("reading .deb: unsupported format %q", strings.TrimSpace(string(v)))
			}
			sawBinary = true
		case strings.HasPrefix(name, "control.tar"):
			if err := d.readControl(m.Data, strings.TrimPrefix(name, "control.tar")); err != nil {
				return nil, fmt.Errorf("reading .deb %s: %w", name, err)
			}
			sawControl = true
		case strings.HasPrefix(name, "data.tar"):
			d.DataName = name
			d.DataModTime = time.Unix(m.Timestamp, 0).UTC()
			d.data = m.Data
		}
	}
	switch {
	case !sawBinary:
		return nil, fmt.Errorf("reading .deb: no debian-binary member")
	case !sawControl:
		return nil, fmt.Errorf("reading .deb: no control archive")
	case d.data == nil:
		return nil, fmt.Errorf("reading .deb: no data archive")
	}
	return d, nil
}

// readControl reads ./control and ./md5sums from the control archive.
func (d *Deb) readControl(r io.Reader, ext string) error {
	dr, err := decompress(ext, r)
	if err != nil {
		return err
	}
	defer dr.Close()
	tr := tar.NewReader(dr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		switch path.Clean(strings.TrimPrefix(h.Name, "./")) {
		case "control":
			if d.Control, err = readBounded(tr, maxControlFile); err != nil {
				return fmt.Errorf("control: %w", err)
			}
		case "md5sums":
			if d.MD5Sums, err = readBounded(tr, maxMD5Sums); err != nil {
				return fmt.Errorf("md5sums: %w", err)
			}
		case "preinst", "postinst", "prerm", "postrm", "triggers", "conffiles":
			name := path.Clean(strings.TrimPrefix(h.Name, "./"))
			b, err := readBounded(tr, maxControlFile)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if d.Scripts == nil {
				d.Scripts = map[string][]byte{}
			}
			d.Scripts[name] = b
		}
	}
	if d.Control == nil {
		return fmt.Errorf("no control file")
	}
	pr, err := control.NewParagraphReader(bufio.NewReader(bytes.NewReader(d.Control)), nil)
	if err != nil {
		return fmt.Errorf("control: %w", err)
	}
	p, err := pr.Next()
	if err != nil {
		return fmt.Errorf("control: %w", err)
	}
	d.Fields = p.Values
	return nil
}

func readBounded(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}

// Data returns the uncompressed data archive (a tar stream). It can be
// called once.
func (d *Deb) Data() (io.ReadCloser, error) {
	if d.data == nil {
		return nil, fmt.Errorf("data archive already read")
	}
	r := d.data
	d.data = nil
	ext := strings.TrimPrefix(d.DataName, "data.tar")
	dr, err := decompress(ext, bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.DataName, err)
	}
	return dr, nil
}

// Package returns the package the control stanza describes.
func (d *Deb) Package() (*Package, error) {
	return packageFromParagraph(d.Fields)
}
