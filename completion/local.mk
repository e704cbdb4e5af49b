# completion/: bash completion, installed where bash-completion looks for it
# (bash-completion >= 2.2 loads completions/kansa.bash on the first TAB after
# "kansa"). configure: --with-bash-completion-dir, default from
# bash-completion.pc, else $(datadir)/bash-completion/completions.
bashcompletiondir = $(BASH_COMPLETION_DIR)
dist_bashcompletion_DATA = completion/kansa.bash

# the completion's COMPREPLY, with and without bash-completion's helpers
TESTS += tests/cli/completion.sh
EXTRA_DIST += tests/cli/completion.sh
# make distcheck installs under its own prefix, not into the system's directory
AM_DISTCHECK_CONFIGURE_FLAGS = --with-bash-completion-dir='$${dc_install_base}/share/bash-completion/completions'
