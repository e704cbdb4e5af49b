# docs/man/: kansa(1) and libkansa(3), written in scdoc. The built pages go
# into the release tarball beside their sources, so that a tarball installs
# them without scdoc; in a git checkout scdoc is needed (configure says so).
MAN_SCD = docs/man/kansa.1.scd docs/man/libkansa.3.scd
EXTRA_DIST += $(MAN_SCD)
if HAVE_MAN_PAGES
dist_man_MANS = docs/man/kansa.1 docs/man/libkansa.3
endif
if HAVE_SCDOC
SCDOC_GEN = $(AM_V_GEN)$(MKDIR_P) docs/man && $(SCDOC) < $< > $@.tmp && mv $@.tmp $@
docs/man/kansa.1: docs/man/kansa.1.scd
	$(SCDOC_GEN)
docs/man/libkansa.3: docs/man/libkansa.3.scd
	$(SCDOC_GEN)
endif

# In a build directory apart from the sources the pages built there are build
# products (make distclean removes them); in the source tree they are the
# shipped pages and stay.
distclean-local: distclean-man-pages
distclean-man-pages:
	if test "$(srcdir)" != "."; then rm -f docs/man/kansa.1 docs/man/libkansa.3; fi
.PHONY: distclean-man-pages

# man --warnings is clean and every command of 'kansa --help' has a section
TESTS += tests/cli/man.sh
EXTRA_DIST += tests/cli/man.sh
