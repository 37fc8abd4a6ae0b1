package patch

import (
	"reflect"
	"testing"
)

func TestScriptsWithCode(t *testing.T) {
	got := scriptsWithCode(map[string][]byte{
		"preinst":  []byte("#!/bin/sh\nset -e\n# Automatically added by dh_installdeb\n\nexit 0\n"),
		"postinst": []byte("#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then py3compile -p python3.11; fi\n"),
		"prerm":    []byte("#!/bin/sh\nset -e\npy3clean -p python3.11\n"),
	})
	if want := []string{"postinst", "prerm"}; !reflect.DeepEqual(got, want) {
		t.Errorf("scriptsWithCode = %v, want %v", got, want)
	}
	trig := triggers([]byte("# Triggers added by dh_makeshlibs/13.11.4\nactivate-noawait ldconfig\n\ninterest-noawait /usr/share/foo\n"))
	if want := []string{"activate-noawait ldconfig", "interest-noawait /usr/share/foo"}; !reflect.DeepEqual(trig, want) {
		t.Errorf("triggers = %v, want %v", trig, want)
	}
}
