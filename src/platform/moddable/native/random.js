/*
 * tinyusp/random: cryptographically strong random bytes from the platform.
 * Moddable's own choices are not fit for keys and DTLS randoms: Math.random is a
 * 31-bit c_rand(), and the crypt "rng" module is RC4 seeded from c_rand() (plain
 * rand() on the simulator). This host function reads the OS / hardware CSPRNG:
 * ESP32 esp_fill_random() (the hardware RNG, true random while Wi-Fi/BT run),
 * Linux getrandom(2), macOS arc4random_buf(3), Windows rand_s. See random.c.
 */
export function fillRandom(buffer) @ "xs_tinyusp_fill_random";
