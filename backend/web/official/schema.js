// A small validator for the JSON Schema the backend publishes at
// /api/protocol/schema.json (pydantic v2, draft 2020-12).
//
// It checks exactly the subset pydantic emits for our wire messages:
// $ref (to "#/..."), oneOf/anyOf (with an OpenAPI-style discriminator when
// present), type, const, enum, minLength/maxLength, pattern,
// minimum/maximum (and the exclusive forms), items/prefixItems,
// minItems/maxItems, properties/required/additionalProperties.
// Annotations (title, description, default, examples, x-*) are ignored, and so
// is any keyword it does not know: the backend validates everything again, this
// only keeps the page from acting on a message it does not understand.
//
// Error strings name the field and the rule ("lobby[0].session_id: must be a
// string") but never echo a field's value, so they are safe to show and log:
// messages carry citizens' booth names and SDP.
//
// No browser-only APIs here: Node imports this module in the unit tests.

/** Fetch and parse the schema; throws an Error saying what went wrong. */
export async function loadSchema(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (err) {
    throw new Error(`cannot reach ${url} (${err && err.message ? err.message : err})`);
  }
  if (!response.ok) {
    throw new Error(`${url} answered HTTP ${response.status}`);
  }
  let schema;
  try {
    schema = await response.json();
  } catch {
    throw new Error(`${url} did not return valid JSON`);
  }
  if (!isPlainObject(schema) || !(schema.oneOf || schema.anyOf || schema.$ref || schema.type)) {
    throw new Error(`${url} does not look like a JSON Schema`);
  }
  return schema;
}

/**
 * Validate `message` against `schema`.
 * Returns [] when valid, otherwise a list of "path: problem" strings.
 */
export function validate(schema, message) {
  const errors = [];
  check(schema, message, "", { root: schema, errors, depth: 0 });
  return errors;
}

// ---------------------------------------------------------------------------

// Deeper than any real message; stops a self-referencing $ref from looping.
const MAX_DEPTH = 64;

const TYPE_WORDS = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "true or false",
  array: "an array",
  object: "an object",
  null: "null",
};

function check(schema, value, path, ctx) {
  if (schema === true || schema === undefined) return;
  if (schema === false) {
    fail(ctx, path, "is not allowed");
    return;
  }
  if (!isPlainObject(schema)) return; // not a schema we understand: nothing to check
  if (ctx.depth > MAX_DEPTH) {
    fail(ctx, path, "is nested too deeply to check");
    return;
  }
  ctx.depth += 1;
  try {
    checkNode(schema, value, path, ctx);
  } finally {
    ctx.depth -= 1;
  }
}

function checkNode(schema, value, path, ctx) {
  // In 2020-12 $ref may have sibling keywords; both apply.
  if (typeof schema.$ref === "string") {
    const target = resolveRef(ctx.root, schema.$ref);
    if (target === undefined) {
      fail(ctx, path, `cannot be checked: the schema has no ${schema.$ref}`);
      return;
    }
    check(target, value, path, ctx);
  }

  if (schema.discriminator && (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf))) {
    checkDiscriminated(schema, value, path, ctx);
  } else {
    if (Array.isArray(schema.oneOf)) checkAlternatives(schema.oneOf, value, path, ctx, true);
    if (Array.isArray(schema.anyOf)) checkAlternatives(schema.anyOf, value, path, ctx, false);
  }

  // A value of the wrong type makes every other keyword meaningless: stop here
  // so one mistake gives one error, not a cascade.
  if (schema.type !== undefined && !matchesType(schema.type, value)) {
    fail(ctx, path, `must be ${describeTypes(schema.type)}`);
    return;
  }

  if ("const" in schema && !deepEqual(value, schema.const)) {
    fail(ctx, path, `must be ${JSON.stringify(schema.const)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => deepEqual(value, option))) {
    fail(ctx, path, `must be one of ${schema.enum.map((o) => JSON.stringify(o)).join(", ")}`);
  }

  if (typeof value === "string") checkString(schema, value, path, ctx);
  else if (typeof value === "number") checkNumber(schema, value, path, ctx);
  else if (Array.isArray(value)) checkArray(schema, value, path, ctx);
  else if (isPlainObject(value)) checkObject(schema, value, path, ctx);
}

function checkString(schema, value, path, ctx) {
  // JSON Schema (and pydantic) count code points, not UTF-16 units.
  const length = [...value].length;
  if (typeof schema.minLength === "number" && length < schema.minLength) {
    fail(ctx, path, schema.minLength === 1 ? "must not be empty"
      : `must be at least ${schema.minLength} characters`);
  }
  if (typeof schema.maxLength === "number" && length > schema.maxLength) {
    fail(ctx, path, `must be at most ${schema.maxLength} characters`);
  }
  if (typeof schema.pattern === "string") {
    const regex = compilePattern(schema.pattern);
    // A pattern this engine cannot compile is a schema problem, not the
    // message's: skip the check rather than refuse every message.
    if (regex && !regex.test(value)) {
      fail(ctx, path, `must match the pattern ${schema.pattern}`);
    }
  }
}

function checkNumber(schema, value, path, ctx) {
  if (typeof schema.minimum === "number" && value < schema.minimum) {
    fail(ctx, path, `must be at least ${schema.minimum}`);
  }
  if (typeof schema.maximum === "number" && value > schema.maximum) {
    fail(ctx, path, `must be at most ${schema.maximum}`);
  }
  if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) {
    fail(ctx, path, `must be greater than ${schema.exclusiveMinimum}`);
  }
  if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) {
    fail(ctx, path, `must be less than ${schema.exclusiveMaximum}`);
  }
}

function checkArray(schema, value, path, ctx) {
  if (typeof schema.minItems === "number" && value.length < schema.minItems) {
    fail(ctx, path, `must have at least ${schema.minItems} items`);
  }
  if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
    fail(ctx, path, `must have at most ${schema.maxItems} items`);
  }
  // Fixed-shape tuples come out as prefixItems; `items` then covers the rest.
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
  value.forEach((item, i) => {
    const itemSchema = i < prefix.length ? prefix[i] : schema.items;
    if (itemSchema !== undefined) check(itemSchema, item, `${path}[${i}]`, ctx);
  });
}

function checkObject(schema, value, path, ctx) {
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required)) {
    for (const name of schema.required) {
      if (!Object.hasOwn(value, name)) fail(ctx, joinPath(path, name), "is required");
    }
  }
  for (const [name, item] of Object.entries(value)) {
    const childPath = joinPath(path, name);
    if (Object.hasOwn(properties, name)) {
      check(properties[name], item, childPath, ctx);
    } else if (schema.additionalProperties === false) {
      fail(ctx, childPath, "is not an allowed field");
    } else if (isPlainObject(schema.additionalProperties)) {
      check(schema.additionalProperties, item, childPath, ctx);
    }
  }
}

// oneOf/anyOf with a discriminator: the tag picks the one branch to check, so
// the errors are about that message type instead of "matches none of 16".
function checkDiscriminated(schema, value, path, ctx) {
  const branches = schema.oneOf || schema.anyOf;
  const { propertyName, mapping } = schema.discriminator;
  if (!isPlainObject(value)) {
    fail(ctx, path, "must be an object");
    return;
  }
  const tagPath = joinPath(path, propertyName);
  if (!Object.hasOwn(value, propertyName)) {
    fail(ctx, tagPath, "is required");
    return;
  }
  const tag = value[propertyName];
  if (typeof tag !== "string") {
    fail(ctx, tagPath, "must be a string");
    return;
  }
  let target;
  if (isPlainObject(mapping) && Object.hasOwn(mapping, tag)) {
    target = { $ref: mapping[tag] };
  } else {
    // No mapping entry: look for the branch whose tag property is this const.
    target = branches.find((branch) => {
      const resolved = resolveBranch(branch, ctx.root);
      const tagSchema = resolved && resolved.properties && resolved.properties[propertyName];
      return isPlainObject(tagSchema) && tagSchema.const === tag;
    });
  }
  if (target === undefined) {
    // The tag is protocol vocabulary, not personal data; still bound its length.
    fail(ctx, tagPath, `unknown value ${JSON.stringify(tag.slice(0, 64))}`);
    return;
  }
  check(target, value, path, ctx);
}

// Plain oneOf/anyOf; in our schemas mostly the nullable form [X, {type:null}].
function checkAlternatives(branches, value, path, ctx, exactlyOne) {
  const results = branches.map((branch) => {
    const sub = { root: ctx.root, errors: [], depth: ctx.depth };
    check(branch, value, path, sub);
    return sub.errors;
  });
  const passing = results.filter((errors) => errors.length === 0).length;
  if (passing === 1 || (passing > 1 && !exactlyOne)) return;
  if (passing > 1) {
    fail(ctx, path, "matches more than one allowed form");
    return;
  }
  // Nothing matched. If exactly one branch accepts this kind of value, its
  // errors are the useful ones ("must be at most 64 characters"); otherwise say
  // which kinds would have been accepted ("must be a string or null").
  const fitting = branches
    .map((branch, i) => ({ branch: resolveBranch(branch, ctx.root), errors: results[i] }))
    .filter(({ branch }) => branchAcceptsKind(branch, value));
  if (fitting.length === 1) {
    ctx.errors.push(...fitting[0].errors);
    return;
  }
  const kinds = branches.map((b) => kindOf(resolveBranch(b, ctx.root))).filter(Boolean);
  if (kinds.length === branches.length) {
    fail(ctx, path, `must be ${joinOr([...new Set(kinds)])}`);
  } else {
    fail(ctx, path, "does not match any allowed form");
  }
}

// ---------------------------------------------------------------------------

function fail(ctx, path, problem) {
  ctx.errors.push(`${path || "message"}: ${problem}`);
}

function joinPath(path, name) {
  const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
  if (key !== name) return `${path}[${key}]`;
  return path ? `${path}.${name}` : name;
}

function resolveRef(root, ref) {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined; // only local refs are used
  let node = root;
  for (const raw of ref.slice(2).split("/")) {
    const part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isPlainObject(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

function resolveBranch(branch, root) {
  let node = branch;
  for (let hops = 0; isPlainObject(node) && typeof node.$ref === "string" && hops < 8; hops++) {
    node = resolveRef(root, node.$ref);
  }
  return node;
}

// Whether a branch is about this kind of value at all (judged by its `type`
// or `const`); a branch that constrains neither is assumed to be.
function branchAcceptsKind(branch, value) {
  if (!isPlainObject(branch)) return true;
  if (branch.type !== undefined) return matchesType(branch.type, value);
  if ("const" in branch) return jsonType(branch.const) === jsonType(value);
  return true;
}

function kindOf(branch) {
  if (!isPlainObject(branch)) return null;
  if (branch.type !== undefined) return describeTypes(branch.type);
  if ("const" in branch) return JSON.stringify(branch.const);
  return null;
}

function matchesType(type, value) {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case "string": return typeof value === "string";
      case "integer": return Number.isInteger(value);
      case "number": return typeof value === "number" && Number.isFinite(value);
      case "boolean": return typeof value === "boolean";
      case "array": return Array.isArray(value);
      case "object": return isPlainObject(value);
      case "null": return value === null;
      default: return true; // unknown type name: not ours to refuse
    }
  });
}

function describeTypes(type) {
  const types = Array.isArray(type) ? type : [type];
  return joinOr(types.map((t) => TYPE_WORDS[t] || String(t)));
}

function joinOr(words) {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

function jsonType(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length
      && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length
      && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

// Patterns come from Python (pydantic); most are valid ECMAScript too. Try
// Unicode mode first (so "." matches a whole code point), then legacy mode.
const patternCache = new Map();

function compilePattern(pattern) {
  if (!patternCache.has(pattern)) {
    let regex = null;
    for (const flags of ["u", ""]) {
      try {
        regex = new RegExp(pattern, flags);
        break;
      } catch {
        // try the next flags
      }
    }
    patternCache.set(pattern, regex);
  }
  return patternCache.get(pattern);
}
