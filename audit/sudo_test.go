package audit

import "testing"

func TestSudoInHistory(t *testing.T) {
	runCases(t, sudoInHistory(), []checkCase{
		{name: "no sudo", history: hist("/bin/sh -c apt-get install -y pseudo")},
		{name: "sudo", history: hist("/bin/sh -c sudo apt-get install -y curl"), want: []string{"history step 0: runs sudo"}},
	})
}
