package rules

import "testing"

func TestWorkdirRules(t *testing.T) {
	runCases(t, workdirNotAbsolute{}, []ruleCase{
		{"relative", deb + "WORKDIR relative/dir\nWORKDIR 'relative/dir'\nWORKDIR \"relative/dir\"\n", []int{2, 3, 4}, nil},
		{"ok", deb + "WORKDIR /usr/local\nWORKDIR ${work}\nWORKDIR \"${dir}\"\nWORKDIR 'C:\\'\nWORKDIR C:/\n", nil, nil},
	})
	runCases(t, workdirRelativeToBase{}, []ruleCase{
		{"first relative", "FROM scratch\nWORKDIR app/\nWORKDIR more/\n", []int{2}, nil},
		{"after absolute in base", "FROM scratch AS a\nWORKDIR /app\nFROM a AS b\nWORKDIR subdir/\n", nil, nil},
	})
	runCases(t, workdirSystemDir{}, []ruleCase{
		{"proc", deb + "WORKDIR /proc/self/fd/1\nWORKDIR \"/dev/x\"\n", []int{2, 3}, nil},
		{"ok", deb + "WORKDIR /path/to/workdir\nWORKDIR /development\n", nil, nil},
	})
	runCases(t, sensitiveVolume{}, []ruleCase{
		{"sensitive", deb + "VOLUME /sys\nVOLUME [\"/dev\", \"/data\"]\n", []int{2, 3}, nil},
		{"ok", deb + "VOLUME /data /proc/x\n", nil, nil},
	})
}

func TestExposeRules(t *testing.T) {
	runCases(t, portOutOfRange{}, []ruleCase{
		{"out of range", deb + "EXPOSE 80000\nEXPOSE 40000-80000/tcp\n", []int{2, 3}, nil},
		{"ok", deb + "EXPOSE 60000\nEXPOSE ${FOOBAR}\nEXPOSE 40000-${FOOBAR}\n", nil, nil},
	})
	runCases(t, sshPortExposed{}, []ruleCase{
		{"ssh", deb + "EXPOSE 22\nEXPOSE 8080 22/tcp\n", []int{2, 3}, nil},
		{"ok", deb + "EXPOSE 8080 2222\n", nil, nil},
	})
	runCases(t, exposeProtoCasing{}, []ruleCase{{"upper", deb + "EXPOSE 80/TcP 8080/TCP\n", []int{2, 2}, nil}})
	runCases(t, exposeHostMapping{}, []ruleCase{
		{"mapping", deb + "EXPOSE 127.0.0.1:80:80\nEXPOSE 5000:5000\n", []int{2, 3}, nil},
	})
}

func TestMultipleRules(t *testing.T) {
	runCases(t, multipleCmd{}, []ruleCase{
		{"two in one stage", deb + "CMD [\"a\"]\nRUN x\nCMD [\"b\"]\n", []int{4}, nil},
		{"one per stage", deb + "CMD [\"a\"]\nFROM b:1\nCMD [\"b\"]\n", nil, nil},
	})
	runCases(t, multipleEntrypoint{}, []ruleCase{{"two", deb + "ENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\nENTRYPOINT [\"c\"]\n", []int{3, 4}, nil}})
	runCases(t, multipleHealthcheck{}, []ruleCase{
		{"two", deb + "HEALTHCHECK NONE\nHEALTHCHECK CMD [\"x\"]\n", []int{3}, nil},
		{"one per stage", deb + "HEALTHCHECK NONE\nFROM b:1\nHEALTHCHECK NONE\n", nil, nil},
	})
}

func TestInstructionRules(t *testing.T) {
	runCases(t, shellFormCmd{}, []ruleCase{
		{"shell forms", deb + "ENTRYPOINT something\nCMD something\nHEALTHCHECK CMD foobar\n", []int{2, 3, 4}, nil},
		{"json, multi-line", deb + "CMD [\"a\", \\\n  \"b\"]\nHEALTHCHECK CMD [\"x\"]\n", nil, nil},
	})
	runCases(t, onbuildForbidden{}, []ruleCase{
		{"forbidden", deb + "ONBUILD ONBUILD RUN x\nONBUILD FROM a:1\nONBUILD MAINTAINER me\n", []int{2, 3, 4}, nil},
		{"allowed", deb + "ONBUILD ADD a b\nONBUILD USER 1\nONBUILD RUN x\nONBUILD HEALTHCHECK NONE\n", nil, nil},
	})
	runCases(t, envSelfRef{}, []ruleCase{
		{"same statement", deb + "ENV BLA=\"blubb\" BLUBB=\"${BLA}/blubb\"\nENV A=1 B=$A\nENV PATH=/a:${PATH} PATH=/b:${PATH}\n", []int{2, 3, 4}, nil},
		{"ok", deb + "ENV BLA=1 X=$FOOBLA Y=$BLAFOO\nARG C\nENV C=${C}\nENV PATH=/bla:${PATH}\n", nil, nil},
	})
	runCases(t, invalidLabelKey{}, []ruleCase{
		{"invalid", deb + "LABEL com.docker.label=1 invalid$character=1 .invalid=1 -invalid=1 1invalid=1 invalid..character=1 invalid--character=1\n", []int{2, 2, 2, 2, 2, 2, 2}, nil},
		{"valid", deb + "LABEL org.valid-key.label3=1 validlabel=2\n", nil, nil},
	})
	runCases(t, maintainerDeprecated{}, []ruleCase{{"before from too", "MAINTAINER Lukas\nFROM a:1\n", []int{1}, nil}})
	runCases(t, legacyKeyValue{}, []ruleCase{
		{"legacy", deb + "ENV testkey value\nLABEL key value\n", []int{2, 3}, nil},
		{"ok", deb + "ENV testkey=value\nLABEL a=b c=d\n", nil, nil},
	})
	runCases(t, mixedInstructionCasing{}, []ruleCase{
		{"minority lower", "FROM scratch\ncopy a b\nCOPY c d\n", []int{2}, nil},
		{"mixed", "From scratch as base\nRUN x\n", []int{1}, nil},
		{"majority lower", "from scratch\nrun x\nRUN y\n", []int{3}, nil},
	})
	runCases(t, emptyContinuation{}, []ruleCase{
		{"empty line", deb + "RUN apk add \\\n\n    gnupg\n", []int{2}, nil},
		{"comment line", deb + "RUN apk add \\\n    # gpg\n    gnupg\n", nil, nil},
	})
	runCases(t, noHealthcheck{}, []ruleCase{
		{"missing", "FROM scratch\n", []int{1}, nil},
		{"none counts", "FROM scratch\nHEALTHCHECK NONE\n", nil, nil},
		{"inherited", "FROM a:1 AS base\nHEALTHCHECK NONE\nFROM base\n", nil, nil},
		{"builder used by copy only", "FROM a:1 AS b\nFROM c:1\nCOPY --from=b /x /y\nHEALTHCHECK NONE\n", nil, nil},
	})
	runCases(t, inlineIgnorePragma{}, []ruleCase{
		{"pragmas", deb + "# hadolint ignore=DL3003\n# harden ignore=DL3008\nRUN x\n", []int{2, 3}, nil},
		{"other comments", deb + "# hadolint shell=powershell\n# a comment\nRUN x\n", nil, nil},
	})
	runCases(t, badDescriptionComment{}, []ruleCase{
		{"bad", "# a stage\nFROM scratch AS base\n# some arg\nARG foo=1\n", []int{2, 4}, nil},
		{"good", "# base is the base\nFROM scratch AS base\n#\nFROM scratch AS x\n", nil, nil},
	})
}

func TestUndefinedVar(t *testing.T) {
	runCases(t, undefinedVar{}, []ruleCase{
		{"scratch", "FROM scratch\nCOPY $foo .\nARG foo\nCOPY $foo .\n", []int{2}, nil},
		{"typo", "FROM alpine:3.20\nENV APP_HOME=/app\nWORKDIR $APP_HOEM\n", []int{3}, nil},
		{"arg default", "FROM scratch\nARG VERSION=$foo\n", []int{2}, nil},
		{"declared in base stage", "FROM scratch AS a\nARG foo=1\nFROM a\nCOPY $foo .\n", nil, nil},
		{"base image env unknown", "FROM node:20\nWORKDIR $NODE_HOME\nENV PATH=$PATH:/x\n", nil, nil},
		{"run is not checked", "FROM scratch\nRUN echo $nothing\n", nil, nil},
	})
}
