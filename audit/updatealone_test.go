package audit

import "testing"

func TestUpdateAlone(t *testing.T) {
	runCases(t, updateAlone(), []checkCase{
		{name: "update and install together", history: hist("/bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*")},
		{name: "apt-get update alone", history: hist("/bin/sh -c apt-get update"),
			want: []string{"history step 0: apt-get updates its index without installing in the same step"}},
		{name: "apk update alone", history: hist("RUN /bin/sh -c apk update; echo done # buildkit"),
			want: []string{"history step 0: apk updates its index without installing in the same step"}},
		{name: "apk add --update is fine", history: hist("/bin/sh -c apk add --update curl")},
	})
}
