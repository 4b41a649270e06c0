/*
 * Native half of tinyusp/random (see random.js): fills an ArrayBuffer (or view)
 * from the platform CSPRNG. Throws if the platform cannot deliver; never falls
 * back to a weak generator.
 */
#include "xsmc.h"

#if ESP32
	#include "esp_random.h"
#elif defined(__linux__)
	#include <errno.h>
	#include <sys/random.h>
#elif defined(__APPLE__)
	#include <stdlib.h>
#elif defined(_WIN32)
	#define _CRT_RAND_S
	#include <stdlib.h>
#else
	#error "tinyusp/random: no CSPRNG for this platform"
#endif

void xs_tinyusp_fill_random(xsMachine *the)
{
	void *data;
	xsUnsignedValue length;

	xsmcGetBufferWritable(xsArg(0), &data, &length);
#if ESP32
	esp_fill_random(data, length);
#elif defined(__linux__)
	{
		unsigned char *p = data;
		while (length > 0) {
			ssize_t n = getrandom(p, length, 0);
			if (n < 0) {
				if (EINTR == errno)
					continue;
				xsUnknownError("getrandom failed");
			}
			p += n;
			length -= (xsUnsignedValue)n;
		}
	}
#elif defined(__APPLE__)
	arc4random_buf(data, length);
#elif defined(_WIN32)
	{
		/* rand_s is RtlGenRandom, the Windows CSPRNG. */
		unsigned char *p = data;
		while (length > 0) {
			unsigned int r;
			xsUnsignedValue i;
			if (0 != rand_s(&r))
				xsUnknownError("rand_s failed");
			for (i = 0; (i < 4) && (length > 0); i++, length--, r >>= 8)
				*p++ = (unsigned char)r;
		}
	}
#endif
}
