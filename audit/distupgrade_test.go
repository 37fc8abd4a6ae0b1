package audit

import "testing"

func TestDistUpgrade(t *testing.T) {
	runCases(t, distUpgrade(), []checkCase{
		{name: "upgrade only", history: hist("/bin/sh -c apt-get update && apt-get upgrade -y")},
		{name: "dist-upgrade", history: hist("/bin/sh -c apt-get update && apt-get dist-upgrade -y"),
			want: []string{"history step 0: upgrades the distribution"}},
	})
}
