package minify

import (
	"path"
	"strings"

	"github.com/harden-dev/harden/fsindex"
)

// javaProfile keeps the Java runtime the java launcher belongs to: the JRE
// or JDK home's lib/ (modules, libjvm.so and the native libraries the JVM
// loads with dlopen, each with its ELF closure), conf/ and the security
// files, but not the JDK's other tools, headers, sources or man pages.
type javaProfile struct{}

func (javaProfile) Name() string          { return "java" }
func (javaProfile) Wants() []fsindex.Want { return nil }

func (javaProfile) Match(p *Program) bool { return p.ELF != nil && p.Base() == "java" }

// javaDropped are entries of a Java home the runtime does not use.
var javaDropped = map[string]string{
	"man": "manual pages", "include": "C headers for JNI builds", "jmods": "modules for jlink", "demo": "demos",
	"sample": "samples", "src.zip": "sources", "ct.sym": "javac's symbol file", "docs": "documentation",
	"classes_nocoops.jsa": "the class data archive for -XX:-UseCompressedOops (heaps over 32 GB)",
	"legal":               "licence notices; the runtime never reads them",
}

// javaDesktop are the JRE's native libraries for AWT, Java 2D, fonts, sound
// and image codecs; a server does not load them, and they pull in
// freetype, harfbuzz, glib, ALSA, libjpeg and lcms.
var javaDesktop = map[string]bool{
	"libawt.so": true, "libawt_headless.so": true, "libawt_xawt.so": true, "libfontmanager.so": true,
	"libjsound.so": true, "libjavajpeg.so": true, "liblcms.so": true, "libmlib_image.so": true,
	"libsplashscreen.so": true, "libjawt.so": true,
}

func (javaProfile) Keep(k *Keeper) error {
	prog := k.Program()
	home := k.javaHome(prog.Path)
	if home == "" {
		k.Warn("java: %s is not in a Java home's bin directory; keeping the launcher's closure only", prog.Path)
		return nil
	}
	if _, ok := k.x.Lookup(path.Join(home, "lib", "tzdb.dat")); ok {
		k.OwnTimeZones("the JVM reads its own time zone rules from lib/tzdb.dat")
	}
	k.keptWhole(home)
	r := Reason{Rule: "profile/java", Why: "the Java runtime in " + home}
	k.Keep(home, r)
	for _, c := range k.x.Children(home) {
		base := path.Base(c.Path)
		if why, ok := javaDropped[base]; ok {
			k.drop(c.Path, "java: "+why)
			continue
		}
		if base == "bin" {
			continue // the launcher is kept; jshell, keytool, jar and the rest are tools
		}
		if c.IsDir() {
			k.KeepTree(c.Path, r, javaFilter)
			continue
		}
		k.Keep(c.Path, r)
	}
	return nil
}

func javaFilter(e *fsindex.Entry) (bool, string) {
	base := path.Base(e.Path)
	if why, ok := javaDropped[base]; ok {
		return true, "java: " + why
	}
	if javaDesktop[base] {
		return true, "java: a desktop/imaging native library (AWT, fonts, sound, JPEG, colour); --include it if the app draws images or text"
	}
	if strings.HasSuffix(base, ".debuginfo") || strings.HasSuffix(base, ".diz") {
		return true, "java: debug symbols"
	}
	return false, ""
}

// javaHome finds the Java home of the launcher at launcher (canonical):
// JAVA_HOME from the image config when the launcher is in it (Eclipse
// Temurin's /opt/java/openjdk), else the directory above its bin (Debian's
// /usr/lib/jvm/java-17-openjdk-amd64, reached through /etc/alternatives).
func (k *Keeper) javaHome(launcher string) string {
	if env := k.Env("JAVA_HOME"); strings.HasPrefix(env, "/") {
		if res, err := k.x.Resolve(env); err == nil && res.Entry != nil && !systemDirs[res.Path] &&
			(launcher == res.Path+"/bin/java" || launcher == res.Path+"/jre/bin/java") {
			return res.Path
		}
	}
	home := path.Dir(path.Dir(launcher))
	if path.Base(path.Dir(launcher)) != "bin" || systemDirs[home] {
		return ""
	}
	if path.Base(home) == "jre" {
		// JDK 8 layout: jdk/jre/bin/java
		home = path.Dir(home)
	}
	return home
}
