// Validate JSON documents against a JSON Schema 2020-12 with ajv in strict mode, the way a
// JavaScript LMS integration would. Usage: node validate-json.mjs schema.json doc.json...
// Prints one JSON line per document: {"file": ..., "valid": bool, "errors": [...]}.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemaPath, ...docs] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
} catch (err) {
  console.log(JSON.stringify({ file: schemaPath, valid: false, errors: [String(err.message)] }));
  process.exit(1);
}
let failed = false;
for (const file of docs) {
  const valid = validate(JSON.parse(readFileSync(file, "utf8")));
  failed ||= !valid;
  console.log(JSON.stringify({ file, valid, errors: validate.errors ?? [] }));
}
process.exit(failed ? 1 : 0);
