/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A main() for the libFuzzer targets without libFuzzer: runs
 * LLVMFuzzerTestOneInput once over every regular file in the directories
 * (or files) named on the command line, in name order, printing one TAP
 * line per file. `make check` runs it over tests/fuzz/corpus/<target>/, so
 * every seed and every crash once found stays a regression test. A crash
 * in the target is a crash of this program. Exits 1 when no file was found,
 * so an empty or misnamed corpus cannot pass silently.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, size_t *count)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "standalone: cannot read %s\n", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* an exact-size heap copy, so ASan sees reads past the end */
	if ((buf = malloc(n > 0 ? (size_t)n : 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "standalone: cannot read %s\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	printf("ok %zu - %s (%ld bytes)\n", ++*count, path, n);
	fflush(stdout);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (d == NULL) {
		fprintf(stderr, "standalone: cannot open %s\n", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));
			if (p == NULL)
				abort();
			names = p;
		}
		if ((names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2)) == NULL)
			abort();
		snprintf(names[n], strlen(dir) + strlen(e->d_name) + 2, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode) && run_file(names[i], count) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

/*
 * With no arguments (as `make check` runs it), replay_<t> replays
 * $KANSA_SRCDIR/tests/fuzz/corpus/<t>, or the corpus next to this source.
 */
static char *default_corpus(const char *argv0)
{
	const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
	const char *src = getenv("KANSA_SRCDIR");
	char dir[4096];
	char *out;

	if (strncmp(base, "replay_", 7) == 0)
		base += 7;
	if (src != NULL) {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz", src);
	} else {
		const char *slash = strrchr(__FILE__, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - __FILE__) : 1,
		    slash ? __FILE__ : ".");
	}
	if ((out = malloc(strlen(dir) + strlen(base) + 9)) == NULL)
		abort();
	snprintf(out, strlen(dir) + strlen(base) + 9, "%s/corpus/%s", dir, base);
	return out;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;

	if (argc < 2) {
		char *dir = default_corpus(argv[0]);
		char *args[3] = { argv[0], dir, NULL };

		rc = main(2, args);
		free(dir);
		return rc;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "standalone: no such file or directory: %s\n", argv[i]);
			rc = 1;
		} else if (S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) < 0
		    : run_file(argv[i], &count) < 0) {
			rc = 1;
		}
	}
	printf("1..%zu\n", count);
	if (count == 0) {
		fprintf(stderr, "standalone: no input files found\n");
		return 1;
	}
	return rc;
}
