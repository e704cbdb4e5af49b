#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the API section of docs/man/libkansa.3.scd from include/kansa.h.

Each section of the header (a "/* ---- */" rule, then "/* Title */") is a
subsection; each public function (KANSA_EXTERN) is listed with its
signature and the first sentence of its comment, which stays the full
reference. Run it after changing kansa.h: tests/cli/man.sh fails when a
public function is missing from the page.

usage: scripts/man-api.py [TOP_SRCDIR]
"""
import re
import sys


def scd_escape(text):
    """scdoc: no bold from '*', no underline from a '_' at a word's edge."""
    text = text.replace('*', '\\*')
    return re.sub(r'(?<![A-Za-z0-9\\])_|_(?![A-Za-z0-9])', r'\\_', text)


def api(header):
    lines = header.split('\n')
    out, doc, i = [], '', 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r'^/\* ([A-Z].*?)\s*\*/$', line)
        if m and i > 0 and lines[i - 1].startswith('/* ---'):
            out.append('## ' + m.group(1).upper() + '\n')
        if line.startswith('/**'):
            buf = []
            while True:
                buf.append(lines[i])
                if '*/' in lines[i]:
                    break
                i += 1
            doc = ' '.join(x.strip().lstrip('/*').strip().rstrip('*/').strip() for x in buf)
        elif line.startswith('KANSA_EXTERN'):
            sig = line
            while not sig.rstrip().endswith(';'):
                i += 1
                sig += ' ' + lines[i].strip()
            sig = re.sub(r'KANSA_EXTERN\(([^)]*)\) ', r'\1 ', sig)
            d = re.sub(r'@p (\w+)', r'\1', doc).split(' @return')[0].split(' @param')[0]
            first = re.split(r'(?<=[a-z)\]])\. ', d)[0].strip()
            if first and not first.endswith('.'):
                first += '.'
            out.append('*%s*\n\t%s\n' % (sig.replace('*', '\\*'), scd_escape(first)))
            doc = ''
        i += 1
    return '\n'.join(out)


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else '.'
    page = top + '/docs/man/libkansa.3.scd'
    text = open(page, encoding='utf-8').read()
    a = text.index('# API\n') + len('# API\n')
    b = text.index('# EXAMPLE')
    body = api(open(top + '/include/kansa.h', encoding='utf-8').read())
    with open(page, 'w', encoding='utf-8') as f:
        f.write(text[:a] + '\n' + body + '\n' + text[b:])


if __name__ == '__main__':
    main()
