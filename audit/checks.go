package audit

// All returns every check, in the order they run and are documented in
// docs/audit.md. Each call returns new values; nothing is registered.
func All() []Check {
	return []Check{
		// programs an attacker could use
		shellPresent{},
		packageManagerPresent{},
		installerPresent{},
		toolPresent{},
		// file permissions
		setuidFile{},
		worldWritable{},
		unknownOwner{},
		// users
		runsAsRootCheck{},
		shadowPassword{},
		duplicateID{},
		loginShell{},
		// secrets
		secretInEnv{},
		secretInHistory{},
		secretFile{},
		secretInFile{max: DefaultMaxSecretFileSize},
		// configuration and build history
		noHealthcheck{},
		needsMissingShell{},
		addInstruction{},
		updateAlone(),
		sudoInHistory(),
		distUpgrade(),
		packageCache{},
		latestTag{},
		sensitivePort{},
		sensitiveVolume{},
		dockerSocketVolume{},
		unnecessaryFile{},
		writableRoot{},
		// binaries and packages
		elfHardening{},
		stalePackage{},
	}
}
