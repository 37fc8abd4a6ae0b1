// Checks action.yml (and workflows) with GitHub's own parser and schema
// (@actions/workflow-parser): node --import ./register.mjs check.mjs action|workflow FILE
import { parseWorkflow, NoOperationTraceWriter } from "@actions/workflow-parser";
import { parseAction } from "@actions/workflow-parser/actions/index";
import { readFileSync } from "fs";

const [kind, path] = process.argv.slice(2);
const file = { name: path, content: readFileSync(path, "utf8") };
const trace = new NoOperationTraceWriter();
const res = kind === "action" ? parseAction(file, trace) : parseWorkflow(file, trace);
const errs = res.context.errors.getErrors();
for (const e of errs) console.log(e.message);
if (!res.value) console.log(`${path}: nothing parsed`);
process.exit(errs.length || !res.value ? 1 : 0);
