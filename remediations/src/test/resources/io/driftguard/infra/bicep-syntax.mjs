// Parses Bicep files with the tree-sitter grammar (which knows no resource types: syntax, not property names).
//   node bicep-syntax.mjs <dir holding node_modules> errors <file.bicep>...
//     one line per syntax error or missing token: "<file>:<line>:<column>: <ERROR|MISSING x>: <text>"
//   node bicep-syntax.mjs <dir holding node_modules> resources <file.bicep>...
//     one JSON line per resource declaration: {file, line, symbol, type, properties, diagnostics}; properties maps each
//     dotted path of its body ("properties.criteria.allOf.0.query") to the source text of the value, diagnostics maps a
//     path to the #disable-next-line comment right above it.
// Exits 0 whatever it finds, non-zero when it cannot run (no grammar installed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [home, mode, ...files] = process.argv.slice(2);
const modules = join(home, 'node_modules');
const { Parser, Language } = await import(pathToFileURL(join(modules, 'web-tree-sitter', 'web-tree-sitter.js')).href);
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(join(modules, 'tree-sitter-bicep', 'tree-sitter-bicep.wasm')));

function* nodes(tree) {
  const cursor = tree.walk();
  while (true) {
    yield cursor.currentNode;
    if (cursor.gotoFirstChild()) {
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        return;
      }
    }
  }
}

function errors(file, tree) {
  for (const node of nodes(tree)) {
    if (node.isError || node.isMissing) {
      const where = `${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
      console.log(`${where}: ${node.isMissing ? `MISSING ${node.type}` : 'ERROR'}: ${JSON.stringify(node.text.slice(0, 60))}`);
    }
  }
}

/** The object a resource body is: itself, or the body of its condition (if) or loop (for). */
function body(node) {
  if (node.type === 'object') {
    return node;
  }
  const inner = node.namedChildren.find(child => ['object', 'if_statement', 'for_statement'].includes(child.type));
  return inner ? body(inner) : null;
}

function flatten(node, path, properties, diagnostics) {
  if (node.type === 'object') {
    let diagnostic = null;
    for (const child of node.namedChildren) {
      if (child.type === 'diagnostic_comment') {
        diagnostic = child.text;
      } else if (child.type === 'object_property') {
        const key = child.namedChildren[0].text.replace(/^'|'$/g, '');
        const at = path ? `${path}.${key}` : key;
        if (diagnostic) {
          diagnostics[at] = diagnostic;
          diagnostic = null;
        }
        flatten(child.namedChildren[child.namedChildren.length - 1], at, properties, diagnostics);
      }
    }
  } else if (node.type === 'array') {
    node.namedChildren.forEach((child, i) => flatten(child, `${path}.${i}`, properties, diagnostics));
  } else {
    const inner = ['for_statement', 'if_statement'].includes(node.type) ? body(node) : null;
    properties[path] = node.text;
    if (inner) {
      flatten(inner, path, properties, diagnostics);
    }
  }
}

function resources(file, tree) {
  for (const declaration of tree.rootNode.namedChildren.filter(node => node.type === 'resource_declaration')) {
    const [symbol, type] = declaration.namedChildren;
    const properties = {};
    const diagnostics = {};
    const object = body(declaration);
    if (object) {
      flatten(object, '', properties, diagnostics);
    }
    console.log(JSON.stringify({ file, line: declaration.startPosition.row + 1, symbol: symbol.text,
      type: type.text.replace(/^'|'$/g, ''), properties, diagnostics }));
  }
}

for (const file of files) {
  const tree = parser.parse(readFileSync(file, 'utf8'));
  (mode === 'resources' ? resources : errors)(file, tree);
  tree.delete();
}
