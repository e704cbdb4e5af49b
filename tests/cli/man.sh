#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The man pages: 'man --warnings -l' prints nothing for either page (no
# roff or formatting warnings), and kansa(1) has a section for every
# command 'kansa --help' lists, naming every option of the command's --help
# (there or under COMMON OPTIONS). Skipped when the pages were not built
# (configure found no scdoc).
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

page() {
	for d in "${KANSA_BUILDDIR:-.}" "${KANSA_SRCDIR:-.}"; do
		[ -f "$d/docs/man/$1" ] && { echo "$d/docs/man/$1"; return; }
	done
}
man1=$(page kansa.1)
man3=$(page libkansa.3)
if [ -z "$man1" ] || [ -z "$man3" ]; then
	echo "# SKIP: the man pages were not built (no scdoc)"; exit 77
fi
command -v man > /dev/null || { echo "# SKIP: no man"; exit 77; }

for p in "$man1" "$man3"; do
	name=$(basename "$p")
	MANWIDTH=80 man --warnings -l "$p" > page.txt 2> warn.txt
	rc=$?
	[ "$rc" -eq 0 ] && [ -s page.txt ] && ok "$name renders" || not_ok "$name: man exit $rc"
	if [ -s warn.txt ]; then not_ok "$name: man --warnings:"; sed 's/^/    /' warn.txt; else ok "$name: no warnings"; fi
done
MANWIDTH=80 man -l "$man3" 2> /dev/null | grep -q 'kansa_check(' && ok "libkansa.3 lists kansa_check" ||
	not_ok "libkansa.3 does not list kansa_check"
# every section of the public header has its section in libkansa(3)
awk 'prev ~ /^\/\* -+ \*\/$/ && sub(/^\/\* /, "") { sub(/ *\*\/$/, ""); print } { prev = $0 }' \
	"$KANSA_SRCDIR/include/kansa.h" > sections.txt
while read -r s; do
	up=$(printf '%s' "$s" | tr '[:lower:]' '[:upper:]')
	grep -q -F ".SS $up" "$man3" && ok "libkansa.3: section $s" || not_ok "libkansa.3: no section '$s' of kansa.h"
done < sections.txt

# every public function of kansa.h is listed (scripts/man-api.py writes the list)
sed -n 's/^KANSA_EXTERN([^)]*) *\(kansa_[a-z0-9_]*\)(.*/\1/p' "$KANSA_SRCDIR/include/kansa.h" > functions.txt
[ "$(wc -l < functions.txt)" -ge 50 ] && ok "kansa.h has $(wc -l < functions.txt) functions" || not_ok "no functions read"
missing=
while read -r f; do grep -q -F "$f(" "$man3" || missing="$missing $f"; done < functions.txt
[ -z "$missing" ] && ok "libkansa.3 lists every function of kansa.h" ||
	not_ok "libkansa.3 lacks:$missing (run scripts/man-api.py)"

# the commands of the overview, and each one's long options
kansa --help > overview.txt 2>&1
awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
	on { sub(/^  /, ""); split($0, f, /   */); print f[1] }' overview.txt > commands.txt
[ "$(wc -l < commands.txt)" -ge 20 ] && ok "kansa --help lists the commands" || not_ok "no command list"
while read -r cmd; do
	# shellcheck disable=SC2086
	kansa $cmd --help | sed -n '/^options:/,/^$/p' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u > opts.txt
	python3 - "$man1" "$cmd" opts.txt <<'EOF' > why.txt 2>&1
import re, sys
roff, cmd, opts = open(sys.argv[1]).read(), sys.argv[2], open(sys.argv[3]).read().split()
plain = lambda t: re.sub(r'\\f[BIRP]|\\', '', t)
# sections (.SH and .SS) as (heading, text)
parts = re.split(r'^\.(S[HS]) (.*)$', roff, flags=re.M)
secs = [(plain(parts[i + 1]).strip('"'), plain(parts[i + 2])) for i in range(1, len(parts) - 2, 3)]
mine = [h + ' ' + t for h, t in secs if re.search(r'(^|[ ,])kansa %s([ ,]|$)' % re.escape(cmd), h)]
if not mine:
    sys.exit("no section headed 'kansa %s'" % cmd)
common = ''.join(t for h, t in secs if h == 'COMMON OPTIONS')
missing = [o for o in opts if o != '--help' and
           not re.search(re.escape(o) + r'(?![a-z0-9-])', mine[0] + ' ' + common)]
if missing:
    sys.exit("options not in its section: " + ' '.join(missing))
EOF
	if [ $? -eq 0 ]; then ok "kansa.1 has '$cmd' and its options"; else not_ok "kansa.1, $cmd: $(cat why.txt)"; fi
done < commands.txt
finish
