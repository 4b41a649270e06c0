/*
 * Native half of the check's ESP32-like Preference (see preference.js): one file per
 * key, `<root>nvs/<domain>/<key>`, holding a type byte ('b' boolean, 'i' int32 little
 * endian, 's' string, 'a' ArrayBuffer) and the value. A set writes a temporary file and
 * renames it over the key, so each entry is replaced atomically, as an NVS entry is.
 * Nothing is cached in the XS heap: a get allocates only the value it returns.
 *
 * Errors are the ESP32 port's messages (modPreference.c): "nvs_open fail" for a bad
 * domain, "nvs set fail" / "nvs get fail" / "nvs erase fail", "float unsupported",
 * "unsupported type"; a missing key or domain reads as undefined.
 */
#include "xsmc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NVS_NAME_MAX 15		/* NVS_KEY_NAME_MAX_SIZE - 1 */
#define NVS_VALUE_MAX 4000	/* SDK documentation, "class Preference" */
#define TEMP_NAME "#tmp#"	/* never a key: '#' is outside what the store writes, and keys() skips it */

static int validName(const char *name)
{
	size_t length = strlen(name);
	return (length > 0) && (length <= NVS_NAME_MAX) && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") && strcmp(name, TEMP_NAME);
}

/* <root>nvs/<domain>[/<key>] into path; 0 when a name is not valid NVS. */
static int pathOf(xsMachine *the, char *path, size_t size, int withKey)
{
	const char *root = xsmcToString(xsArg(0));
	char domain[NVS_NAME_MAX + 2], key[NVS_NAME_MAX + 2];

	if (strlen(xsmcToString(xsArg(1))) > NVS_NAME_MAX)
		return 0;
	xsmcToStringBuffer(xsArg(1), domain, sizeof(domain));
	if (!validName(domain))
		return 0;
	if (!withKey) {
		snprintf(path, size, "%snvs/%s", root, domain);
		return 1;
	}
	if (strlen(xsmcToString(xsArg(2))) > NVS_NAME_MAX)
		return 0;
	xsmcToStringBuffer(xsArg(2), key, sizeof(key));
	if (!validName(key))
		return 0;
	snprintf(path, size, "%snvs/%s/%s", root, domain, key);
	return 1;
}

static int ensureDirectory(const char *path)
{
	return (mkdir(path, 0755) == 0) || (errno == EEXIST);
}

void xs_nvs_sim_set(xsMachine *the)
{
	char path[1024], temp[1100], directory[1024];
	unsigned char type, head[5];
	const void *data = head + 1;
	size_t length = 0;
	FILE *file;
	int ok;

	if (!pathOf(the, directory, sizeof(directory), 0) || !pathOf(the, path, sizeof(path), 1))
		xsUnknownError("nvs_open fail");
	switch (xsmcTypeOf(xsArg(3))) {
		case xsBooleanType:
			type = 'b';
			head[1] = xsmcToBoolean(xsArg(3)) ? 1 : 0;
			length = 1;
			break;
		case xsIntegerType:
		case xsNumberType: {
			double number = xsmcToNumber(xsArg(3));
			int32_t integer = (int32_t)number;
			if (number != (double)integer)
				xsUnknownError("float unsupported");
			type = 'i';
			head[1] = integer & 0xFF; head[2] = (integer >> 8) & 0xFF; head[3] = (integer >> 16) & 0xFF; head[4] = (integer >> 24) & 0xFF;
			length = 4;
			} break;
		case xsStringType:
			type = 's';
			data = xsmcToString(xsArg(3));
			length = strlen(data);
			if (length + 1 > NVS_VALUE_MAX)
				xsUnknownError("nvs set fail");
			break;
		case xsReferenceType:
			if (xsmcIsInstanceOf(xsArg(3), xsArrayBufferPrototype)) {
				void *bytes;
				xsUnsignedValue count;
				xsmcGetBufferReadable(xsArg(3), &bytes, &count);
				type = 'a';
				data = bytes;
				length = count;
				if (length > NVS_VALUE_MAX)
					xsUnknownError("nvs set fail");
				break;
			}
			xsUnknownError("unsupported type");
		default:
			xsUnknownError("unsupported type");
	}

	snprintf(temp, sizeof(temp), "%snvs", xsmcToString(xsArg(0)));
	if (!ensureDirectory(temp) || !ensureDirectory(directory))
		xsUnknownError("nvs_open fail");
	snprintf(temp, sizeof(temp), "%s/%s", directory, TEMP_NAME);
	file = fopen(temp, "wb");
	if (!file)
		xsUnknownError("nvs set fail");
	/* the string's bytes are read before anything else can move them: no XS call in between */
	ok = (fwrite(&type, 1, 1, file) == 1) && (fwrite(data, 1, length, file) == length);
	ok = (fclose(file) == 0) && ok;
	if (!ok || rename(temp, path) != 0) {
		unlink(temp);
		xsUnknownError("nvs set fail");
	}
}

void xs_nvs_sim_get(xsMachine *the)
{
	char path[1024];
	unsigned char type;
	struct stat info;
	size_t length;
	FILE *file;

	if (!pathOf(the, path, sizeof(path), 1))
		return;		/* an invalid name cannot have been stored */
	file = fopen(path, "rb");
	if (!file)
		return;		/* not found: undefined */
	if (fstat(fileno(file), &info) != 0 || info.st_size < 1 || fread(&type, 1, 1, file) != 1) {
		fclose(file);
		xsUnknownError("nvs get fail");
	}
	length = (size_t)info.st_size - 1;
	if (type == 'b' || type == 'i') {
		unsigned char v[4] = {0, 0, 0, 0};
		if (length != (type == 'b' ? 1u : 4u) || fread(v, 1, length, file) != length) {
			fclose(file);
			xsUnknownError("nvs get fail");
		}
		if (type == 'b')
			xsmcSetBoolean(xsResult, v[0] != 0);
		else
			xsmcSetInteger(xsResult, (int32_t)((uint32_t)v[0] | ((uint32_t)v[1] << 8) | ((uint32_t)v[2] << 16) | ((uint32_t)v[3] << 24)));
	}
	else if (type == 's') {
		xsmcSetStringBuffer(xsResult, NULL, length + 1);
		char *s = xsmcToString(xsResult);
		if (fread(s, 1, length, file) != length) {
			fclose(file);
			xsUnknownError("nvs get fail");
		}
		s[length] = 0;
	}
	else if (type == 'a') {
		xsmcSetArrayBuffer(xsResult, NULL, length);
		if (length && fread(xsmcToArrayBuffer(xsResult), 1, length, file) != length) {
			fclose(file);
			xsUnknownError("nvs get fail");
		}
	}
	else {
		fclose(file);
		xsUnknownError("nvs get fail");
	}
	fclose(file);
}

void xs_nvs_sim_delete(xsMachine *the)
{
	char path[1024];

	if (!pathOf(the, path, sizeof(path), 1))
		return;
	if (unlink(path) != 0 && errno != ENOENT)
		xsUnknownError("nvs erase fail");
}

void xs_nvs_sim_keys(xsMachine *the)
{
	char path[1024];
	struct dirent *entry;
	DIR *directory;
	int i = 0;

	xsmcSetNewArray(xsResult, 0);
	if (!pathOf(the, path, sizeof(path), 0))
		return;
	directory = opendir(path);
	if (!directory)
		return;
	xsmcVars(1);
	while ((entry = readdir(directory))) {
		if (!validName(entry->d_name))
			continue;
		xsmcSetString(xsVar(0), entry->d_name);
		xsmcSetIndex(xsResult, i++, xsVar(0));
	}
	closedir(directory);
}
