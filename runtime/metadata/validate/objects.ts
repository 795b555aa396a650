/**
 * Objects: names, renames, the name field, validation rules and indexes.
 */
import type { Checker } from './checker.ts';
import { checkExpression } from './expressions.ts';
import { checkFieldDef } from './fields.ts';
import { checkFormulaCycles } from './formula-cycles.ts';
import { arr, objs, str } from './json.ts';
import type { Json } from './json.ts';

export function checkObjects(c: Checker): void {
  const objects = objs(c.bundle.objects);
  c.duplicates(objects.map(([o, i]) => [str(o.name), `/objects/${i}/name`]), (n) => `object '${n}'`);
  const names = new Set(objects.map(([o]) => str(o.name)));
  for (const [object, i] of objects) {
    const renamedFrom = str(object.renamedFrom);
    if (renamedFrom !== undefined && renamedFrom !== object.name && names.has(renamedFrom)) {
      c.report(`/objects/${i}/renamedFrom`, 'rename_collision', `'${renamedFrom}' is renamed to '${str(object.name) ?? '?'}' but the package still defines an object '${renamedFrom}'`);
    }
    checkObject(c, object, `/objects/${i}`);
  }
}

function checkObject(c: Checker, object: Json, base: string): void {
  const objectName = str(object.name) ?? '?';
  const fields = objs(object.fields);
  c.duplicates(fields.map(([f, j]) => [str(f.name), `${base}/fields/${j}/name`]), (n) => `field '${n}' of '${objectName}'`);

  // A rename must not land on, or come from, a name another field uses.
  const fieldNames = new Set(fields.map(([f]) => str(f.name)));
  const renamedFroms = new Set<string>();
  for (const [field, j] of fields) {
    const from = str(field.renamedFrom);
    if (from === undefined || from === field.name) continue;
    if (fieldNames.has(from)) {
      c.report(`${base}/fields/${j}/renamedFrom`, 'rename_collision', `'${from}' is renamed to '${str(field.name) ?? '?'}' but '${objectName}' still has a field '${from}'`);
    } else if (renamedFroms.has(from)) {
      c.report(`${base}/fields/${j}/renamedFrom`, 'rename_collision', `two fields of '${objectName}' are renamed from '${from}'`);
    }
    renamedFroms.add(from);
  }

  if (typeof object.nameField === 'string') c.checkField(object, object.nameField, `${base}/nameField`, false);

  for (const [field, j] of fields) checkFieldDef(c, object, field, `${base}/fields/${j}`);
  checkFormulaCycles(c, fields, base);

  const rules = objs(object.validationRules);
  c.duplicates(rules.map(([r, k]) => [str(r.name), `${base}/validationRules/${k}/name`]), (n) => `validation rule '${n}' of '${objectName}'`);
  for (const [rule, k] of rules) {
    if (typeof rule.field === 'string') c.checkField(object, rule.field, `${base}/validationRules/${k}/field`, false);
    checkExpression(c, object, rule.when, `${base}/validationRules/${k}/when`);
  }

  for (const [index, k] of objs(object.indexes)) {
    arr(index.fields).forEach((name, m) => c.checkField(object, name, `${base}/indexes/${k}/fields/${m}`, true));
  }
}
