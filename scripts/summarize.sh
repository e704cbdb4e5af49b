#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Sum the individual test results of a build directory's test logs:
# Criterion's "Synthesis" lines and our shell tests' "N passed, N failed".
# Prints "<label>: N passed, N failed".
set -u
dir=$1 label=$2
find "$dir" -name '*.log' ! -name 'test-suite.log' ! -name 'config.log' -print0 2>/dev/null |
	xargs -0 cat 2>/dev/null | awk -v label="$label" '
	/Synthesis: Tested:/ {
		for (i = 1; i <= NF; i++) {
			if ($i == "Passing:") p += $(i + 1)
			if ($i == "Failing:") f += $(i + 1)
			if ($i == "Crashing:") f += $(i + 1)
		}
	}
	/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
	END { printf "%s: %d passed, %d failed\n", label, p, f }'
