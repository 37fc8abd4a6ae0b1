package fsindex

import "io/fs"

var typeChars = map[Type]byte{
	TypeRegular: '-', TypeDir: 'd', TypeSymlink: 'l', TypeHardlink: 'h',
	TypeChar: 'c', TypeBlock: 'b', TypeFIFO: 'p',
}

// ModeString formats the entry's type and permissions as ls -l does
// ("-rwsr-xr-x"); hardlinks show as 'h'.
func (e *Entry) ModeString() string {
	b := []byte("?---------")
	if c, ok := typeChars[e.Type]; ok {
		b[0] = c
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if e.Mode&(1<<uint(8-i)) != 0 {
			b[i+1] = rwx[i]
		}
	}
	special := func(pos int, bit fs.FileMode, set, unset byte) {
		if e.Mode&bit == 0 {
			return
		}
		if b[pos] == '-' {
			b[pos] = unset
		} else {
			b[pos] = set
		}
	}
	special(3, fs.ModeSetuid, 's', 'S')
	special(6, fs.ModeSetgid, 's', 'S')
	special(9, fs.ModeSticky, 't', 'T')
	return string(b)
}
