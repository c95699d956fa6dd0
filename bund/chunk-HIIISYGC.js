import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// dist/src/job/templates.js
function parseTemplate(source) {
  const parts = [];
  const names = [];
  let text = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "{" && source[i + 1] === "{") {
      text += "{";
      i++;
    } else if (c === "}" && source[i + 1] === "}") {
      text += "}";
      i++;
    } else if (c === "{") {
      const close = source.indexOf("}", i + 1);
      if (close < 0)
        throw new RangeError(`an unclosed "{" at character ${i + 1} (write {{ for a literal brace)`);
      const name = source.slice(i + 1, close).trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        throw new RangeError(`"{${source.slice(i + 1, close)}}" is not a placeholder: a name in braces, such as {windowStart}`);
      if (text)
        parts.push({ text });
      text = "";
      parts.push({ name });
      if (!names.includes(name))
        names.push(name);
      i = close;
    } else if (c === "}") {
      throw new RangeError(`a "}" without "{" at character ${i + 1} (write }} for a literal brace)`);
    } else {
      text += c;
    }
  }
  if (text)
    parts.push({ text });
  return { source, parts, names };
}
function renderTemplate(template, valueOf) {
  let out = "";
  for (const part of template.parts) {
    if ("text" in part)
      out += part.text;
    else
      out += scalarText(valueOf(part.name));
  }
  return out;
}
function scalarText(value) {
  if (typeof value === "string")
    return value;
  if (typeof value === "number" || typeof value === "boolean")
    return String(value);
  if (value === null || value === void 0)
    return "";
  return JSON.stringify(value);
}

export {
  parseTemplate,
  renderTemplate
};
