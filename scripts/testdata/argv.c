#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
/* Test stand-in for curl.exe: writes the arguments it received, as the
   C runtime split its command line, to %OSSDROP_ARGV_OUT%, UTF-8, each
   followed by a NUL. */
int wmain(int argc, wchar_t **argv) {
	FILE *out = _wfopen(_wgetenv(L"OSSDROP_ARGV_OUT"), L"wb");
	if (!out) return 2;
	for (int i = 1; i < argc; i++) {
		int n = WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, NULL, 0, NULL, NULL);
		char *buf = malloc(n);
		WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, buf, n, NULL, NULL);
		fwrite(buf, 1, n, out);
		free(buf);
	}
	return fclose(out) ? 2 : 0;
}
