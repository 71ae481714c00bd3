// The child process of child-map.ts: one local map, configured by QMR_TEST_CHILD_MAP (JSON
// { fn: source text, tasks, options }). A file, not `node -e`: the workers start with the
// submitting process's node flags, and `-e` would make them run this script.
import { Pool } from '../../dist/src/index.js';

const c = JSON.parse(process.env.QMR_TEST_CHILD_MAP);
const fn = (0, eval)(c.fn);
try {
  const results = await new Pool({ progress: false, ...c.options }).map(fn, c.tasks);
  console.log(JSON.stringify({ results }));
} catch (error) {
  console.log(JSON.stringify({ error: { name: error.name, message: error.message } }));
}
