#!/usr/bin/env bash
# Runs one harden command for the action, from the INPUT_* variables the
# action sets: writes the report to INPUT_OUTPUT (with the format's
# extension), sets the outputs report and exit-code, and adds a summary.
# It exits 0 so the SARIF upload can still run; the action's last step
# fails with harden's code.
set -uo pipefail
: "${RUNNER_TEMP:?run by the harden action}" "${GITHUB_OUTPUT:?run by the harden action}"
harden=${HARDEN_BIN:-$RUNNER_TEMP/harden-bin/harden}
command=${INPUT_COMMAND:-audit}
target=${INPUT_TARGET:?the target input is required}
format=${INPUT_FORMAT:-sarif}
case $command in
lint | audit | scan | minify) ;;
*) echo "harden action: command must be lint, audit, scan or minify, not '$command'" >&2; exit 2 ;;
esac
case $format in
sarif) ext=sarif ;; json) ext=json ;; markdown) ext=md ;; *) ext=txt ;;
esac
report=${INPUT_OUTPUT:-harden-report}.$ext
args=("$command" "$target" --format "$format")
if [ -n "${INPUT_FAIL_ON:-}" ]; then
	if [ "$command" = lint ]; then args+=(--severity-threshold "$INPUT_FAIL_ON"); else args+=(--fail-on "$INPUT_FAIL_ON"); fi
fi
if [ -n "${INPUT_ARGS:-}" ]; then
	# shellcheck disable=SC2206 # one line of arguments, split as a shell would on spaces
	extra=($INPUT_ARGS)
	args+=("${extra[@]}")
fi
echo "harden ${args[*]}" >&2
"$harden" "${args[@]}" >"$report"
code=$?
{
	echo "report=$report"
	echo "exit-code=$code"
} >>"$GITHUB_OUTPUT"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	{
		echo "### harden $command \`$target\`: exit $code"
		if [ "$format" = markdown ] || [ "$format" = table ]; then cat "$report"; fi
	} >>"$GITHUB_STEP_SUMMARY"
fi
exit 0
