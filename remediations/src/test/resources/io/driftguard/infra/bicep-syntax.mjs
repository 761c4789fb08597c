// Parses Bicep files with the tree-sitter grammar and prints one line per syntax error or missing token:
//   node bicep-syntax.mjs <dir holding node_modules> <file.bicep>...
// prints "<file>:<line>:<column>: <ERROR|MISSING x>: <text>" and exits 0 whether or not it found any, non-zero when it
// cannot run (no grammar installed). The grammar knows no resource types: it catches syntax, not property names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [home, ...files] = process.argv.slice(2);
const modules = join(home, 'node_modules');
const { Parser, Language } = await import(pathToFileURL(join(modules, 'web-tree-sitter', 'web-tree-sitter.js')).href);
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(join(modules, 'tree-sitter-bicep', 'tree-sitter-bicep.wasm')));

for (const file of files) {
  const tree = parser.parse(readFileSync(file, 'utf8'));
  const cursor = tree.walk();
  // Depth-first over every node: an ERROR node or a MISSING (zero-width, inserted) token is a syntax error.
  let more = true;
  while (more) {
    const node = cursor.currentNode;
    if (node.isError || node.isMissing) {
      const where = `${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
      const what = node.isMissing ? `MISSING ${node.type}` : 'ERROR';
      console.log(`${where}: ${what}: ${JSON.stringify(node.text.slice(0, 60))}`);
    }
    if (cursor.gotoFirstChild()) {
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        more = false;
        break;
      }
    }
  }
  tree.delete();
}
