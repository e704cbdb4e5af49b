#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kansa audit report --html: the page rendered by headless Chromium (Debian
# `chromium`). The DOM as the browser built it must show the figures the
# ledger holds (the same as `audit report --json`), the browser must log no
# console error (a page with a script error proves the check sees them), the
# page must load nothing from outside and show ledger text as text. The
# screenshot is kept in the build tree as tests/cli/report-html.png.
# Skips (77) only when chromium is not installed.
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "${KANSA_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib-audit.sh"

chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	echo "# chromium is not installed: skipped"
	exit 77
fi
shot_dir=${KANSA_BUILDDIR:-$T}/tests/cli
mkdir -p "$shot_dir"

# render PAGE OUT: the DOM on OUT.dom, the browser's log on OUT.log, a screenshot OUT.png
render() {
	HOME=$T timeout 300 "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$T/chrome" --enable-logging=stderr --v=0 --dump-dom "file://$T/$1" \
		> "$2.dom" 2> "$2.log"
	HOME=$T timeout 300 "$chrome" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
		--user-data-dir="$T/chrome" --window-size=1280,2400 --screenshot="$T/$2.png" "file://$T/$1" \
		>/dev/null 2>&1
}
console_errors() { grep -E 'CONSOLE|Uncaught|Refused to|Content Security Policy' "$1" || true; }

make_audit_ledger
kansa ledger checkpoint --db l.db >/dev/null || exit 99
# an officer whose name is markup: the page must show it as text
sed 's/"officer": "officer-1"/"officer": "<b>o\&amp;<\/b><script>document.title=1<\/script>"/' q1.json > qx.json
kansa check --db l.db --warrant wn.cose --request qx.json >/dev/null 2>&1

expect_exit 0 "report --html" -- kansa audit report --db l.db --html report.html
expect_grep "The report is in report.html" out.txt "says where the page is"
kansa audit report --db l.db --json > report.json || exit 99
expect_exit 0 "report --html - (stdout)" -- kansa audit report --db l.db --html -
head -c 15 out.txt | grep -q '<!DOCTYPE html>' && ok "--html - writes the page on stdout" || not_ok "stdout page"
ln -s report.html link.html
expect_exit 4 "report --html refuses a symbolic link" -- kansa audit report --db l.db --html link.html

# what the page is made of: nothing from outside, no script
if grep -Eiq '<script|<link|<img|<iframe|<object|@import|url\(|src=' report.html; then
	not_ok "the page loads or runs something"
else
	ok "no script, no link, no image, no url()"
fi
grep -o 'http[s]*://[^" ]*' report.html | grep -v '^http://www.w3.org/2000/svg$' > ext.txt
[ -s ext.txt ] && not_ok "external addresses: $(cat ext.txt)" || ok "no external address (the SVG namespace only)"
expect_grep "Content-Security-Policy" report.html "a CSP forbids loading anything"
expect_grep "<svg" report.html "an inline SVG chart"

# the negative control: the console check sees a script error
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body><p>x</p><script>nosuchfunction();</script></body></html>' > bad.html
render bad.html bad
[ -n "$(console_errors bad.log)" ] && ok "the console check sees a script error" ||
	not_ok "a page with a script error logged nothing: $(tail -3 bad.log)"

render report.html page
[ -s page.dom ] && ok "chromium rendered the page" || { not_ok "no DOM: $(tail -5 page.log)"; finish; }
errs=$(console_errors page.log)
[ -z "$errs" ] && ok "no console error" || not_ok "console: $errs"
if [ -s page.png ] && head -c 8 page.png | od -An -c | grep -q 'P   N   G'; then
	cp page.png "$shot_dir/report-html.png" && ok "screenshot kept as tests/cli/report-html.png"
else
	not_ok "no screenshot"
fi

# the figures of the DOM against the report's JSON
python3 - page.dom report.json > figures.txt <<'PY'
import json, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.fig = {}; s.status = []; s.officers = []; s.cell = None
    def handle_starttag(s, tag, attrs):
        a = dict(attrs); s.stack.append(a.get("data-figure"))
    def handle_endtag(s, tag):
        if s.stack: s.stack.pop()
    def handle_data(s, d):
        f = next((x for x in reversed(s.stack) if x), None)
        if f == "status": s.status.append(d.strip())
        elif f: s.fig[f] = s.fig.get(f, "") + d
p = P(); p.feed(open(sys.argv[1]).read())
j = json.load(open(sys.argv[2])); s = j["summary"]
checks = [
    ("entries", s["entries"]), ("decisions", s["decisions"]), ("allowed", s["allowed"]),
    ("denied", s["denied"]), ("warrants", len(j["warrants"])), ("emergencies", len(j["emergencies"])),
    ("officers", len(j["officers"])), ("checkpoints", j["checkpoints"]["count"]),
    ("latest-checkpoint", j["checkpoints"]["latest_size"]), ("uncovered", j["checkpoints"]["uncovered"]),
    ("attention", j["attention_count"]),
] + [("denied-" + r, n) for r, n in s["denied_by"].items()]
for k, want in checks:
    got = p.fig.get(k, "").strip()
    print(("ok" if got == str(want) else "bad"), k, got, want)
want = [e["status"].replace("-", " ") for e in j["emergencies"]]
print("ok" if p.status == want else "bad", "states", p.status, want)
print("ok" if "every entry, document and decision checks out" in p.fig.get("audit", "") else "bad", "audit", p.fig.get("audit"))
print("ok" if p.fig.get("origin") == j["origin"] else "bad", "origin", p.fig.get("origin"))
PY
while read -r res name rest; do
	[ "$res" = ok ] && ok "page shows $name ($rest)" || not_ok "page: $name: $rest"
done < figures.txt
[ "$(grep -c . figures.txt)" -ge 14 ] && ok "every figure compared" || not_ok "figures: $(cat figures.txt)"
grep -q '&lt;b&gt;o&amp;amp;&lt;/b&gt;&lt;script&gt;' page.dom && ok "markup in an officer's name is shown as text" ||
	not_ok "officer name not escaped: $(grep -o '.\{20\}o&amp;.\{40\}' page.dom | head -2)"
grep -q '<title>kansa audit report' page.dom && ok "no script ran (the title is untouched)" || not_ok "title changed"

finish
