package minify

import (
	"path"
	"strings"
)

// redisWritable are the redis.conf settings naming what redis writes; true
// for a directory.
var redisWritable = map[string]bool{"dir": true, "pidfile": false, "logfile": false, "unixsocket": false}

// redisFiles are the settings naming a file redis reads.
var redisFiles = map[string]bool{
	"aclfile": true, "tls-cert-file": true, "tls-key-file": true, "tls-ca-cert-file": true,
	"tls-dh-params-file": true, "tls-client-cert-file": true, "tls-client-key-file": true, "loadmodule": true,
}

// keepRedisConf keeps the config file the command names (redis-server
// FILE) and what it includes, the modules and TLS files it names; dir
// (the data directory), pidfile, logfile and unixsocket become writable.
// Options given on the command line (--dir /data) count too; without a
// dir anywhere, the working directory is the data directory.
func keepRedisConf(c *configRun) {
	var settings [][]string
	var read func(p string, depth int)
	read = func(p string, depth int) {
		data, ok := c.read(p)
		if !ok || depth > 8 {
			return
		}
		for _, line := range strings.Split(string(data), "\n") {
			f := splitRedisLine(line)
			if len(f) >= 2 && strings.ToLower(f[0]) == "include" {
				for _, inc := range c.k.globPaths(resolveIn(path.Dir(p), f[1])) {
					read(inc, depth+1)
				}
				continue
			}
			if len(f) >= 2 {
				settings = append(settings, f)
			}
		}
	}
	for _, f := range c.files {
		read(f, 0)
	}
	args := c.k.Program().Args
	for i, a := range args {
		if strings.HasPrefix(a, "--") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			settings = append(settings, []string{a[2:], args[i+1]})
		}
	}
	wd := c.k.Program().WorkingDir
	dataDir := wd
	for _, s := range settings {
		key, v := strings.ToLower(s[0]), s[1]
		switch {
		case key == "dir":
			dataDir = resolveIn(wd, v)
		case redisFiles[key]:
			c.keepFile(resolveIn(wd, v), "named by "+key+" in the redis config")
		}
	}
	for _, s := range settings {
		key, v := strings.ToLower(s[0]), s[1]
		if isDir, ok := redisWritable[key]; ok && key != "dir" && v != "" && v != `""` {
			c.writable(resolveIn(dataDir, v), !isDir, key)
		}
	}
	if !systemDirs[dataDir] {
		c.writable(dataDir, false, "dir (the data directory)")
	}
}

// splitRedisLine splits a redis.conf line into words; quotes group.
func splitRedisLine(line string) []string {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return nil
	}
	var out []string
	for line != "" {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			break
		}
		if q := line[0]; q == '"' || q == '\'' {
			end := strings.IndexByte(line[1:], q)
			if end < 0 {
				out = append(out, line[1:])
				break
			}
			out = append(out, line[1:end+1])
			line = line[end+2:]
			continue
		}
		w, rest, _ := strings.Cut(line, " ")
		out = append(out, strings.TrimSpace(w))
		line = rest
	}
	return out
}
