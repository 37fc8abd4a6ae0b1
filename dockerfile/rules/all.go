package rules

import "strings"

// All returns every rule, in the order of the documentation table.
func All() []Rule {
	return []Rule{
		// hadolint
		inlineIgnorePragma{},      // DL1001
		workdirNotAbsolute{},      // DL3000
		pointlessCommand{},        // DL3001
		lastUserRoot{},            // DL3002
		cdInsteadOfWorkdir{},      // DL3003
		sudoInRun{},               // DL3004
		baseUntagged{},            // DL3006
		baseLatest{},              // DL3007
		aptUnpinned{},             // DL3008
		aptListsKept{},            // DL3009
		archiveCopied{},           // DL3010
		portOutOfRange{},          // DL3011
		multipleHealthcheck{},     // DL3012
		pipUnpinned{},             // DL3013
		aptNoYes{},                // DL3014
		aptRecommends{},           // DL3015
		npmUnpinned{},             // DL3016
		apkUnpinned{},             // DL3018
		apkCacheKept{},            // DL3019
		addInsteadOfCopy{},        // DL3020
		copyManyNoDirSlash{},      // DL3021
		copyFromUnknownStage{},    // DL3022
		copyFromOwnStage{},        // DL3023
		duplicateStageName{},      // DL3024
		shellFormCmd{},            // DL3025
		untrustedRegistry{},       // DL3026
		aptInsteadOfAptGet{},      // DL3027
		gemUnpinned{},             // DL3028
		fromPlatform{},            // DL3029
		yumNoYes{},                // DL3030
		yumCacheKept{},            // DL3032
		yumUnpinned{},             // DL3033
		zypperNoYes{},             // DL3034
		zypperDistUpgrade{},       // DL3035
		zypperCacheKept{},         // DL3036
		zypperUnpinned{},          // DL3037
		dnfNoYes{},                // DL3038
		dnfCacheKept{},            // DL3040
		dnfUnpinned{},             // DL3041
		pipCacheKept{},            // DL3042
		onbuildForbidden{},        // DL3043
		envSelfRef{},              // DL3044
		copyRelativeNoWorkdir{},   // DL3045
		useraddHighUID{},          // DL3046
		wgetProgressBar{},         // DL3047
		invalidLabelKey{},         // DL3048
		missingLabel{},            // DL3049
		superfluousLabel{},        // DL3050
		emptyLabel{},              // DL3051
		labelNotURL{},             // DL3052
		labelNotRFC3339{},         // DL3053
		labelNotSPDX{},            // DL3054
		labelNotGitHash{},         // DL3055
		labelNotSemver{},          // DL3056
		noHealthcheck{},           // DL3057
		labelNotEmail{},           // DL3058
		consecutiveRuns{},         // DL3059
		yarnCacheKept{},           // DL3060
		fromNotFirst{},            // DL3061
		goInstallUnpinned{},       // DL3062
		reservedStageName{},       // DL3063
		secretInArgEnv{},          // DL3064
		redundantTargetPlatform{}, // DL3065
		nonNumericUser{},          // DL3066
		copyWholeFilesystem{},     // DL3067
		maintainerDeprecated{},    // DL4000
		wgetAndCurl{},             // DL4001
		multipleCmd{},             // DL4003
		multipleEntrypoint{},      // DL4004
		shellLinked{},             // DL4005
		pipeWithoutPipefail{},     // DL4006
		// Trivy checks hadolint does not have
		sshPortExposed{},   // DS004
		updateAlone{},      // DS017
		aptDistUpgrade{},   // DS024
		workdirSystemDir{}, // DS030
		secretInBuild{},    // DS031
		// BuildKit checks hadolint and Trivy do not have
		mixedInstructionCasing{},  // ConsistentInstructionCasing
		copyIgnoredFile{},         // CopyIgnoredFile
		exposeHostMapping{},       // ExposeInvalidFormat
		exposeProtoCasing{},       // ExposeProtoCasing
		fromAsCasing{},            // FromAsCasing
		invalidDefaultArgInFrom{}, // InvalidDefaultArgInFrom
		badDescriptionComment{},   // InvalidDefinitionDescription
		legacyKeyValue{},          // LegacyKeyValueFormat
		emptyContinuation{},       // NoEmptyContinuation
		stageNameCasing{},         // StageNameCasing
		undefinedArgInFrom{},      // UndefinedArgInFrom
		undefinedVar{},            // UndefinedVar
		workdirRelativeToBase{},   // WorkdirRelativePath
		// Dockle checkpoints a Dockerfile can show
		sensitiveVolume{}, // DKL-DI-0002
		// harden's distroless practice
		fullOSBase{},                // HD001
		singleStage{},               // HD002
		noUser{},                    // HD003
		finalKeepsShell{},           // HD004
		baseNotDigestPinned{},       // HD005
		copyContextNoDockerignore{}, // HD006
		npmInstallShipped{},         // HD007
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
