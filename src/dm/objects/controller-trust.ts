/**
 * Device.LocalAgent.ControllerTrust. (tr-181-2-localagent.xml, ControllerTrust:1/2),
 * AGENT-REQUIREMENTS §2.5 and 07-security: Roles with ordered Permissions
 * (Targets + "rwxn" strings for Param, Obj, InstantiatedObj, CommandEvent), the
 * UntrustedRole and SecuredRoles. Credential/Challenge tables are left out (optional).
 */
import { alias, entries, object, param, T, table, W } from '../schema-table.ts';
import { ObjAccess, type ObjectNode } from '../schema.ts';
import { ROLE } from './controller.ts';

function permissionString(name: string): ReturnType<typeof param> {
  return param(name, T.String, W, { minLength: 4, maxLength: 4, def: '----' });
}

export function controllerTrustObject(): ObjectNode {
  return object('ControllerTrust', [
    param('UntrustedRole', T.String, W, { list: { maxItems: 1 }, ref: { strong: true, targetParent: ROLE } }),
    param('BannedRole', T.String, W, { ref: { strong: true, targetParent: ROLE } }),
    param('SecuredRoles', T.String, W, { list: true, ref: { strong: true, targetParent: ROLE } }),
    entries('Role'),
    table('Role', { access: ObjAccess.AddDelete, keys: [['Name'], ['~Alias']], maxEntries: 8 }, [
      alias(),
      param('Enable', T.Boolean, W),
      param('Name', T.String, W),
      entries('Permission'),
      table('Permission', { access: ObjAccess.AddDelete, keys: [['Order'], ['~Alias']], maxEntries: 16 }, [
        alias(),
        param('Enable', T.Boolean, W),
        param('Order', T.UnsignedInt, W),
        param('Targets', T.String, W, { list: true }),
        permissionString('Param'),
        permissionString('Obj'),
        permissionString('InstantiatedObj'),
        permissionString('CommandEvent'),
      ]),
    ]),
  ]);
}
