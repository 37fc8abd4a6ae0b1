package rules

import "strings"

// All returns every rule, in the order of the documentation table.
func All() []Rule {
	return []Rule{
		// hadolint
		DL1001{}, DL3000{}, DL3001{}, DL3002{}, DL3003{}, DL3004{}, DL3006{}, DL3007{}, DL3008{}, DL3009{},
		DL3010{}, DL3011{}, DL3012{}, DL3013{}, DL3014{}, DL3015{}, DL3016{}, DL3018{}, DL3019{}, DL3020{},
		DL3021{}, DL3022{}, DL3023{}, DL3024{}, DL3025{}, DL3026{}, DL3027{}, DL3028{}, DL3029{}, DL3030{},
		DL3032{}, DL3033{}, DL3034{}, DL3035{}, DL3036{}, DL3037{}, DL3038{}, DL3040{}, DL3041{}, DL3042{},
		DL3043{}, DL3044{}, DL3045{}, DL3046{}, DL3047{}, DL3048{}, DL3049{}, DL3050{}, DL3051{}, DL3052{},
		DL3053{}, DL3054{}, DL3055{}, DL3056{}, DL3057{}, DL3058{}, DL3059{}, DL3060{}, DL3061{}, DL3062{},
		DL3063{}, DL3064{}, DL3065{}, DL3066{}, DL3067{}, DL4000{}, DL4001{}, DL4003{}, DL4004{}, DL4005{},
		DL4006{},
		// Trivy checks hadolint does not have
		DS004{}, DS017{}, DS024{}, DS030{}, DS031{},
		// BuildKit checks hadolint and Trivy do not have
		ConsistentInstructionCasing{}, CopyIgnoredFile{}, ExposeInvalidFormat{}, ExposeProtoCasing{}, FromAsCasing{},
		InvalidDefaultArgInFrom{}, InvalidDefinitionDescription{}, LegacyKeyValueFormat{}, NoEmptyContinuation{},
		StageNameCasing{}, UndefinedArgInFrom{}, UndefinedVar{}, WorkdirRelativePath{},
		// Dockle checkpoints a Dockerfile can show
		DKLDI0002{},
		// harden's distroless practice
		HD001{}, HD002{}, HD003{}, HD004{}, HD005{}, HD006{}, HD007{},
	}
}

// NotImplemented is a rule of another tool that harden lint does not run.
type NotImplemented struct {
	ID, Source, Title, Reason string
}

// NotImplementedRules lists the rules of hadolint, Trivy, BuildKit and
// Dockle that harden lint does not implement, with the reason.
func NotImplementedRules() []NotImplemented {
	return []NotImplemented{
		{"DL1000", "hadolint", "Dockerfile parse error", "not a rule: a file that does not parse is reported as one DL1000 finding (level error) with the parser's message and line"},
		{"SC*", "hadolint (ShellCheck)", "ShellCheck findings in RUN", "ShellCheck is a Haskell program; harden parses RUN with mvdan.cc/sh and implements the Dockerfile-specific rules, not ShellCheck's 400 shell-style checks. Run shellcheck on extracted scripts if you want them"},
		{"InvalidBaseImagePlatform", "BuildKit", "Base image platform does not match expected target platform", "needs the base image's config from a registry; lint works offline on the Dockerfile alone"},
		{"CIS-DI-0005", "Dockle", "Enable Content trust for Docker", "a host setting (DOCKER_CONTENT_TRUST), not a Dockerfile property"},
		{"CIS-DI-0008", "Dockle", "Confirm safety of setuid/setgid files", "needs the image filesystem: harden audit checks it"},
		{"DKL-LI-0001", "Dockle", "Avoid empty password", "needs /etc/shadow from the image: harden audit checks it"},
		{"DKL-LI-0002", "Dockle", "Be unique UID/GROUP", "needs /etc/passwd and /etc/group from the image: harden audit checks it"},
		{"DKL-LI-0003", "Dockle", "Only put necessary files", "needs the image filesystem: harden audit checks it"},
	}
}

// Source names the tool a rule ID comes from.
func Source(id string) string {
	switch {
	case strings.HasPrefix(id, "DL"):
		return "hadolint"
	case strings.HasPrefix(id, "DS"):
		return "Trivy"
	case strings.HasPrefix(id, "HD"):
		return "harden"
	case strings.HasPrefix(id, "DKL-"), strings.HasPrefix(id, "CIS-DI-"):
		return "Dockle"
	case strings.HasPrefix(id, "CIS-"):
		return "CIS Docker Benchmark"
	}
	return "BuildKit"
}
