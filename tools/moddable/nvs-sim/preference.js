/*
 * `preference` for the simulator check (tools/moddable/check.ts, `--preference nvs`, the
 * default): the API of the SDK's Preference with ESP32 NVS behaviour, its values kept
 * OUTSIDE the XS heap as NVS keeps them in flash. The SDK's own simulator Preference
 * (modules/files/preference/lin/preference.js) caches the whole store as JS objects,
 * stores an ArrayBuffer as a string of decimal numbers ("12,255,…", ≈ 3.5 bytes per
 * byte) and re-serialises everything on each set: heap an ESP32 never spends, which
 * would be charged to the agent. The wrapper manifest swaps this module in for lin only.
 *
 * Limits as the ESP32 port has them (modules/files/preference/esp32/modPreference.c,
 * SDK documentation "class Preference"): domain and key at most 15 characters, a
 * string or buffer at most 4000 bytes, integers as int32 ("float unsupported"). Values
 * live in files under `<config.file.root>nvs/<domain>/<key>` (preference.c).
 */
import config from "mc/config";

function set(root, domain, key, value) @ "xs_nvs_sim_set";
function get(root, domain, key) @ "xs_nvs_sim_get";
function remove(root, domain, key) @ "xs_nvs_sim_delete";
function keys(root, domain) @ "xs_nvs_sim_keys";

class Preference {
	static set(domain, key, value) { set(config.file.root, domain, key, value); }
	static get(domain, key) { return get(config.file.root, domain, key); }
	static delete(domain, key) { remove(config.file.root, domain, key); }
	static keys(domain) { return keys(config.file.root, domain); }
}
Object.freeze(Preference.prototype);

export default Preference;
