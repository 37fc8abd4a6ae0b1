package rules

import "testing"

func TestShellRules(t *testing.T) {
	runCases(t, pointlessCommand{}, []ruleCase{
		{"top", deb + "RUN top\nONBUILD RUN service x start\n", []int{2, 3}, nil},
		{"argument", deb + "RUN apt-get install ssh\n", nil, nil},
	})
	runCases(t, cdInsteadOfWorkdir{}, []ruleCase{
		{"cd", deb + "RUN cd /opt\nRUN apt-get install -y vim && cd /x\n", []int{2, 3}, nil},
		{"in cmd", deb + "CMD cd /x && run\n", nil, nil},
	})
	runCases(t, sudoInRun{}, []ruleCase{
		{"sudo", deb + "RUN sudo apt-get update\nRUN apt-get update && sudo apt-get install\nRUN echo x | sudo tee /y\n", []int{2, 3, 4}, nil},
		{"argument", deb + "RUN apt-get install sudo\n", nil, nil},
	})
	runCases(t, consecutiveRuns{}, []ruleCase{
		{"two singles", deb + "RUN /foo.sh\n# c\nRUN /bar.sh\n", []int{4}, nil},
		{"same mounts", deb + "RUN --mount=type=secret,id=foo a\nRUN --mount=type=secret,id=foo b\n", []int{3}, nil},
		{"third", deb + "RUN foo && bar\nRUN foo\nRUN bar\n", []int{4}, nil},
		{"chains", deb + "RUN foo && bar\nRUN foobar\nRUN a; b\n", nil, nil},
		{"different mounts and workdir", deb + "RUN --mount=type=cache,target=/a a\nRUN b\nWORKDIR /x\nRUN c\n", nil, nil},
	})
	runCases(t, wgetAndCurl{}, []ruleCase{
		{"both", deb + "RUN wget x\nRUN curl y\n", []int{3}, nil},
		{"one run", deb + "RUN wget x && curl y\n", []int{2}, nil},
		{"wget curl echo wget", deb + "RUN wget a\nRUN curl b\nRUN echo c\nRUN wget d\n", []int{3, 5}, nil},
		{"other stages", deb + "RUN wget x\nFROM b:1\nRUN curl y\n", nil, nil},
	})
	runCases(t, shellLinked{}, []ruleCase{
		{"relink", deb + "RUN ln -sfv /bin/bash /bin/sh\n", []int{2}, nil},
		{"other", deb + "RUN ln -sf /bin/true /sbin/initctl\n", nil, nil},
	})
	runCases(t, pipeWithoutPipefail{}, []ruleCase{
		{"pipe", deb + "RUN wget -O - URL | wc -l > /number\n", []int{2}, nil},
		{"previous stage only", deb + "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM b:1\nRUN a | b\n", []int{4}, nil},
		{"reset by sh", deb + "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nSHELL [\"/bin/sh\", \"-c\"]\nRUN a | b\n", []int{4}, nil},
		{"sh pipefail not accepted", deb + "SHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n", []int{3}, nil},
		{"pipefail shells", deb + "SHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN a | b\nSHELL [\"/usr/bin/zsh\", \"-o\", \"errexit\", \"-o\", \"pipefail\", \"-c\"]\nRUN c | d\nSHELL [\"pwsh\", \"-c\"]\nRUN e | f\n", nil, nil},
		{"or is not a pipe", deb + "RUN a || b\n", nil, nil},
	})
	runCases(t, wgetProgressBar{}, []ruleCase{
		{"bare", deb + "RUN wget my.xyz\n", []int{2}, nil},
		{"quiet forms", deb + "RUN wget --progress=dot:giga a && wget -q b && wget -nv c && wget -o log d && wget --output-file=l e && wget -a l f\n", nil, nil},
	})
}
