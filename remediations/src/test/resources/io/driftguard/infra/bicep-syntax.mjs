// Parses Bicep files with the tree-sitter grammar (which knows no resource types: syntax, not property names).
//   node bicep-syntax.mjs <dir holding node_modules> errors <file.bicep>...
//     one line per syntax error or missing token: "<file>:<line>:<column>: <ERROR|MISSING x>: <text>"
//   node bicep-syntax.mjs <dir holding node_modules> resources <file.bicep>...
//     one JSON line per resource declaration: {file, line, symbol, type, properties, diagnostics}; properties maps each
//     dotted path of its body ("properties.criteria.allOf.0.query") to the source text of the value, diagnostics maps a
//     path to the #disable-next-line comment right above it.
//   node bicep-syntax.mjs <dir holding node_modules> evaluate <file.bicep> <variable>...
//     one JSON line per variable: {variable, value}, its value as Bicep would compute it at compile time (literals,
//     loadJsonContent, other variables, lambdas and the functions below); anything else stops with an error, so that
//     a test never compares with a value this script only guessed.
// Exits 0 whatever it finds, non-zero when it cannot run (no grammar installed).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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


/**
 * A lambda argument as Bicep means it. The grammar binds `x => x.a != null` as `(x => x).a != null`: a lambda found
 * leftmost inside an argument takes the whole argument as its body.
 */
function lambda(node) {
  let leftmost = node;
  while (leftmost.type !== 'lambda_expression' && leftmost.namedChildCount > 0) {
    leftmost = leftmost.namedChildren[0];
  }
  if (leftmost.type !== 'lambda_expression') {
    return null;
  }
  const [params, body] = leftmost.namedChildren;
  const names = params.type === 'identifier' ? [params.text] : params.namedChildren.map(child => child.text);
  return leftmost === node ? { names, body, lifted: null } : { names, body: node, lifted: [leftmost.id, body] };
}

function equal(left, right) {
  return JSON.stringify(left) === JSON.stringify(right);
}

const FUNCTIONS = {
  map: ([items, f]) => items.map((item, i) => f(item, i)),
  filter: ([items, f]) => items.filter((item, i) => f(item, i)),
  flatten: ([items]) => items.flat(1),
  concat: arrays => arrays.flat(1),
  indexOf: ([items, item]) => items.findIndex(other => equal(other, item)),
  contains: ([items, item]) => items.some(other => equal(other, item)),
  empty: ([value]) => value === null || (typeof value === 'object' ? Object.keys(value).length === 0 : value.length === 0),
  length: ([value]) => value.length,
  toLower: ([value]) => value.toLowerCase(),
};

function evaluator(file, tree) {
  const declarations = new Map(tree.rootNode.namedChildren.filter(node => node.type === 'variable_declaration')
    .map(node => [node.namedChildren[0].text, node.namedChildren[node.namedChildCount - 1]]));
  const values = new Map();
  const variable = name => {
    if (!values.has(name)) {
      if (!declarations.has(name)) {
        throw new Error(`${file}: no variable ${name}`);
      }
      values.set(name, evaluate(declarations.get(name), new Map(), new Map()));
    }
    return values.get(name);
  };
  const evaluate = (node, scope, lifted) => {
    node = lifted.get(node.id) ?? node;
    const at = child => evaluate(child, scope, lifted);
    const operand = i => at(node.namedChildren[i]);
    switch (node.type) {
      case 'parenthesized_expression':
        return operand(0);
      case 'null':
        return null;
      case 'boolean':
        return node.text === 'true';
      case 'number':
        return Number(node.text);
      case 'string':
        return node.namedChildren.map(part => part.type === 'string_content' ? part.text
          : part.type === 'interpolation' ? String(at(part.namedChildren[0]))
          : part.type === 'escape_sequence' ? JSON.parse(`"${part.text.replace("\\'", "'").replace('\\$', '$')}"`)
          : (() => { throw new Error(`${file}: ${part.type} in a string`); })()).join('');
      case 'array':
        return node.namedChildren.map(at);
      case 'object':
        return Object.fromEntries(node.namedChildren.filter(child => child.type === 'object_property')
          .map(child => [child.namedChildren[0].text.replace(/^'|'$/g, ''), at(child.namedChildren[1])]));
      case 'identifier':
        return scope.has(node.text) ? scope.get(node.text) : variable(node.text);
      case 'member_expression': {
        const object = operand(0);
        const property = node.namedChildren[1].text;
        if (object === null || typeof object !== 'object' || !(property in object)) {
          throw new Error(`${file}: ${node.text}: no property ${property}`);
        }
        return object[property];
      }
      case 'unary_expression':
        if (!node.text.startsWith('!')) {
          throw new Error(`${file}: ${node.text}`);
        }
        return !operand(0);
      case 'ternary_expression':
        return operand(0) ? operand(1) : operand(2);
      case 'binary_expression': {
        const operator = node.children.find(child => !child.isNamed).text;
        const [left, right] = [operand(0), operand(1)];
        const binary = { '==': () => equal(left, right), '!=': () => !equal(left, right), '&&': () => left && right,
          '||': () => left || right, '??': () => left ?? right, '<': () => left < right, '>': () => left > right };
        if (!(operator in binary)) {
          throw new Error(`${file}: operator ${operator}`);
        }
        return binary[operator]();
      }
      case 'call_expression': {
        const name = node.namedChildren[0].text;
        const args = node.namedChildren[1].namedChildren;
        if (name === 'loadJsonContent' && args.length === 1) {
          return JSON.parse(readFileSync(join(dirname(file), at(args[0])), 'utf8'));
        }
        if (!(name in FUNCTIONS)) {
          throw new Error(`${file}: ${name}() is not evaluated here`);
        }
        return FUNCTIONS[name](args.map(arg => {
          const f = lambda(lifted.get(arg.id) ?? arg);
          if (f === null) {
            return at(arg);
          }
          const { names, body, lifted: lift } = f;
          const inner = lift ? new Map([...lifted, lift]) : lifted;
          return (...params) => evaluate(body, new Map([...scope, ...names.map((n, i) => [n, params[i]])]), inner);
        }));
      }
      default:
        throw new Error(`${file}: ${node.type} is not evaluated here: ${node.text}`);
    }
  };
  return variable;
}

if (mode === 'evaluate') {
  const [file, ...variables] = files;
  const tree = parser.parse(readFileSync(file, 'utf8'));
  const variable = evaluator(file, tree);
  for (const name of variables) {
    console.log(JSON.stringify({ variable: name, value: variable(name) }));
  }
  tree.delete();
} else {
  for (const file of files) {
    const tree = parser.parse(readFileSync(file, 'utf8'));
    (mode === 'resources' ? resources : errors)(file, tree);
    tree.delete();
  }
}
