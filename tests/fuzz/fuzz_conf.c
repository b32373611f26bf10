/*
 * libFuzzer target: the configuration tokenizer, parser and printer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024], *text;
	struct conf *c;
	FILE *null;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	c = conf_parse_string("fuzz.conf", text, NULL, err, sizeof(err));
	if (c != NULL) {
		if ((null = fopen("/dev/null", "w")) != NULL) {
			conf_print(c, null);
			fclose(null);
		}
		conf_free(c);
	}
	free(text);
	return 0;
}
