package minify_test

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

// Temurin's layout: the Java home is JAVA_HOME (here through a symlink),
// the launcher found through PATH; lib/, conf/ and release are kept, the
// other tools and legal/ are not.
func TestJavaHomeFromEnv(t *testing.T) {
	home := "opt/java/openjdk/"
	files := []tu.File{
		tu.Exe(home+"bin/java", staticApp(t)), tu.Exe(home+"bin/keytool", staticApp(t)),
		tu.Reg(home+"lib/modules", "jimage"), tu.Reg(home+"lib/server/libjvm.so", elfFile(t, "libb.so.1")),
		tu.Reg(home+"conf/security/java.security", ""), tu.Reg(home+"release", "JAVA_VERSION=\"17\"\n"),
		tu.Reg(home+"legal/java.base/LICENSE", ""), tu.Symlink("opt/java/current", "openjdk"),
		tu.Reg("app/app.jar", "PK"),
	}
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Entrypoint = []string{"java"}
		c.Cmd = []string{"-jar", "/app/app.jar"}
		c.Env = []string{"PATH=/opt/java/current/bin:/usr/bin", "JAVA_HOME=/opt/java/current"}
	}, [][]tu.File{files})
	checkKept(t, sel,
		[]string{"/" + home + "bin/java", "/" + home + "lib/modules", "/" + home + "lib/server/libjvm.so",
			"/" + home + "conf/security/java.security", "/" + home + "release", "/app/app.jar"},
		[]string{"/" + home + "bin/keytool", "/" + home + "legal/java.base/LICENSE"})
	if !contains(sel.Profiles, "java") {
		t.Errorf("profiles = %v", sel.Profiles)
	}
}
