// Reads BPMN files the way bpmn.io and Camunda Modeler do (bpmn-moddle), lints them with
// bpmnlint's recommended rules and writes each file back out as a modeler would save it.
//
//   node check.js <out-dir> <file.bpmn>...
//
// Prints one JSON object: {"<file>": {"import": [...], "lint": [...], "exported": "<path>",
// "reimport": [...]}}; "import" and "reimport" are bpmn-moddle's warnings (unresolved references,
// unknown elements) reading the file and reading the saved file again.
'use strict';

const fs = require('fs');
const path = require('path');
const { BpmnModdle } = require('bpmn-moddle');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

// a linter per file: some rules (no-duplicate-sequence-flows) remember what they saw
function linter() {
  return new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver() });
}

function messages(warnings) {
  return warnings.map((w) => w.message);
}

async function check(file, outDir) {
  const moddle = new BpmnModdle();
  const xml = fs.readFileSync(file, 'utf8');
  const { rootElement, warnings } = await moddle.fromXML(xml);
  const reports = await linter().lint(rootElement);
  const lint = [];
  for (const [rule, items] of Object.entries(reports)) {
    for (const item of items) {
      lint.push({ rule, id: item.id || null, message: item.message, category: item.category });
    }
  }
  const { xml: saved } = await moddle.toXML(rootElement, { format: true });
  const exported = path.join(outDir, path.basename(file));
  fs.writeFileSync(exported, saved);
  const again = await new BpmnModdle().fromXML(saved);
  return { import: messages(warnings), lint, exported, reimport: messages(again.warnings) };
}

async function main() {
  const [outDir, ...files] = process.argv.slice(2);
  fs.mkdirSync(outDir, { recursive: true });
  const result = {};
  for (const file of files) {
    result[file] = await check(file, outDir);
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((error) => {
  console.error(error && error.stack || String(error));
  process.exit(2);
});
