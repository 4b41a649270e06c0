/**
 * The TR-106 path grammar (R-ARC.7, §Search, R-ARC.9): parsePath on any string, as an
 * instantiated path and as a supported-DM path. Bytes are decoded as UTF-8 with
 * replacement, as the codec hands paths to the model.
 */
import { parsePath } from '../../../src/dm/index.ts';
import { ascii, type FuzzTarget } from '../target.ts';

const PATHS = ['Device.DeviceInfo.FriendlyName', 'Device.LocalAgent.Controller.*.MTP.1.CoAP.Host', 'Device.IP.Interface.[Name=="lo"&&Enable==true].',
  'Device.LocalAgent.Subscription.[ID=="a%22b"].Enable', 'Device.WiFi.Radio.{i}.', 'Device.Reboot()', 'Device.Boot!', 'Device.LocalAgent.Controller.1.SendOnBoardRequest()',
  'Device.LocalAgent.Controller.[Alias=="cpe-1"].MTP.*.', 'Device.IP.Interface.[Stats.BytesSent>1000].', 'Device.LocalAgent.Controller.1.AssignedRole#.Name', 'Device.'];

export default function create(): FuzzTarget {
  const dec = new TextDecoder();
  return {
    name: 'dm-path',
    about: 'TR-106 path grammar: wildcards, instance numbers, search expressions, references, commands, events',
    files: ['src/dm/path-parser.ts'],
    seeds: () => PATHS.map((p) => ascii('\x00' + p)).concat(PATHS.slice(0, 3).map((p) => ascii('\x01' + p))),
    dictionary: ['.', '*', '[', ']', '==', '!=', '~=', '<=', '>=', '&&', '"', '%22', '%25', '{i}', '()', '!', '#', '+', '.1.', 'Device.'].map(ascii),
    run(data) {
      if (data.length === 0) return;
      parsePath(dec.decode(data.subarray(1)), (data[0]! & 1) === 1);
    },
  };
}
