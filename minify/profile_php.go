package minify

import (
	"path"
	"strings"
)

// iniSetting is one key = value line of a php.ini or php-fpm.conf.
type iniSetting struct{ key, value string }

// parseINI reads PHP's ini format: [sections] are ignored, ';' starts a
// comment, values lose their quotes.
func parseINI(data []byte) []iniSetting {
	var out []iniSetting
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == ';' || line[0] == '#' || line[0] == '[' {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') {
			if end := strings.IndexByte(val[1:], val[0]); end >= 0 {
				val = val[1 : end+1]
			}
		} else if i := strings.Index(val, " ;"); i >= 0 {
			val = strings.TrimSpace(val[:i])
		}
		out = append(out, iniSetting{strings.ToLower(strings.TrimSpace(key)), val})
		if len(out) > 100000 {
			break
		}
	}
	return out
}

// phpWritable are the settings naming a file or directory PHP writes to;
// true for a directory.
var phpWritable = map[string]bool{
	"pid": false, "error_log": false, "slowlog": false, "access.log": false, "session.save_path": true,
	"upload_tmp_dir": true, "sys_temp_dir": true, "opcache.file_cache": true, "opcache.lockfile_path": true, "listen": false,
}

// keepPHPIni keeps php.ini, the conf.d ini files of the SAPI in use (and
// $PHP_INI_SCAN_DIR's) and php-fpm's config, and the extensions they load
// with extension= and zend_extension= (each with its ELF closure). The
// paths PHP writes (pid, logs, sessions, upload temp) become writable and
// php-fpm's pool user is kept. Extensions are looked up in extension_dir
// or in the directories the extension_dir option names.
func keepPHPIni(c *configRun) {
	files := c.files
	for _, d := range strings.Split(c.k.Env("PHP_INI_SCAN_DIR"), ":") {
		if strings.HasPrefix(d, "/") {
			files = append(files, c.k.globPaths(path.Join(d, "*.ini"))...)
		}
	}
	var exts []iniSetting
	var extDirs []string
	var read func(p string, depth int)
	read = func(p string, depth int) {
		data, ok := c.read(p)
		if !ok || depth > 8 {
			return
		}
		for _, s := range parseINI(data) {
			v := s.value
			if strings.Contains(v, "$") {
				continue
			}
			switch s.key {
			case "extension", "zend_extension":
				exts = append(exts, iniSetting{p, v})
			case "extension_dir":
				extDirs = append(extDirs, v)
			case "include":
				for _, f := range c.k.globPaths(resolveIn(path.Dir(p), v)) {
					read(f, depth+1)
				}
			case "user":
				c.k.KeepUser(v)
			default:
				if dir, ok := phpWritable[s.key]; ok {
					if s.key == "session.save_path" {
						v = v[strings.LastIndexByte(v, ';')+1:] // "N;MODE;/path"
					}
					if strings.HasPrefix(v, "/") {
						c.writable(v, !dir, s.key)
					}
				}
			}
		}
	}
	for _, f := range files {
		read(f, 0)
	}
	for _, g := range c.conf.Options["extension_dir"] {
		extDirs = append(extDirs, c.k.globPaths(c.abs(g))...)
	}
	for _, e := range exts {
		if !c.keepExtension(e.value, extDirs) {
			c.k.Warn("%s: extension %s named in %s is not in the image", c.spec.Name, e.value, e.key)
		}
	}
}

// keepExtension keeps one extension= value: a path, or a name looked up as
// NAME, NAME.so and php_NAME.so in the extension directories.
func (c *configRun) keepExtension(v string, dirs []string) bool {
	r := Reason{Rule: c.rule, Why: "PHP extension " + v + ", loaded by the ini files"}
	if strings.HasPrefix(v, "/") {
		_, err := c.k.Keep(v, r)
		return err == nil
	}
	for _, d := range dirs {
		for _, name := range []string{v, v + ".so", "php_" + v + ".so"} {
			if _, err := c.k.x.Resolve(path.Join(d, name)); err == nil {
				_, err := c.k.Keep(path.Join(d, name), r)
				return err == nil
			}
		}
	}
	return false
}
