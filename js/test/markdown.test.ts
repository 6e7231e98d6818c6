// Chat Markdown: the tree markdown-it's tokens become (render.ts only turns it into DOM nodes).
import assert from "node:assert/strict";
import { test } from "node:test";
import { type MdNode, parseMarkdown } from "../src/studio/markdown/parse";

type El = MdNode & { type: "element" };

/** Every node of the tree, depth first. */
function walk(nodes: MdNode[]): MdNode[] {
  return nodes.flatMap((node) => [node, ...(node.type === "element" ? walk(node.children) : [])]);
}
const elements = (nodes: MdNode[], tag: string) =>
  walk(nodes).filter((n): n is El => n.type === "element" && n.tag === tag);
const text = (node: MdNode): string =>
  node.type === "text"
    ? node.text
    : node.type === "code"
      ? node.code
      : node.children.map(text).join("");

// The same reply the browser test renders (tests/widget/test_frontend.py, MARKDOWN).
const REPLY = `# Plan

First paragraph with **bold**, *italic* and \`code\`.
Second line.

- one
- two
  - nested

1. first
2. second

\`\`\`python
print("hi")
\`\`\`

See [docs](https://example.com/docs) or [bad](javascript:alert(1)) or [rel](/files/x).
Visit https://example.org/a_b_c now, snake_case_name stays plain.
`;

test("headings, emphasis, inline code and kept line breaks", () => {
  const tree = parseMarkdown(REPLY);
  assert.equal(text(elements(tree, "h1")[0] as El), "Plan");
  assert.deepEqual(elements(tree, "strong").map(text), ["bold"]);
  assert.deepEqual(elements(tree, "em").map(text), ["italic"]); // not snake_case_name
  const first = elements(tree, "p")[0] as El;
  assert.deepEqual(elements([first], "code").map(text), ["code"]);
  assert.equal(elements([first], "br").length, 1);
});

test("nested and ordered lists", () => {
  const tree = parseMarkdown(REPLY);
  const [outer] = elements(tree, "ul");
  assert.ok(outer);
  assert.equal(outer.children.length, 2);
  assert.deepEqual(elements(outer.children, "ul").map(text), ["nested"]);
  assert.deepEqual((elements(tree, "ol")[0] as El).children.map(text), ["first", "second"]);
  const [numbered] = elements(parseMarkdown("3. three\n4. four"), "ol");
  assert.deepEqual(numbered?.attrs, { start: "3" });
});

test("a fenced code block keeps its text and language; an unclosed one is code so far", () => {
  const code = walk(parseMarkdown(REPLY)).filter((n) => n.type === "code");
  assert.deepEqual(code, [{ type: "code", code: 'print("hi")', language: "python" }]);
  const streaming = walk(parseMarkdown("Here:\n```js\nlet a = 1;\nlet b")).filter(
    (n) => n.type === "code",
  );
  assert.deepEqual(streaming, [{ type: "code", code: "let a = 1;\nlet b", language: "js" }]);
  const odd = walk(parseMarkdown('```py"><x\nx\n```')).find((n) => n.type === "code");
  assert.equal(odd?.type === "code" && odd.language, "pyx");
});

test("links only to absolute http(s) addresses; others stay as typed", () => {
  const tree = parseMarkdown(REPLY);
  const links = elements(tree, "a");
  assert.deepEqual(
    links.map((a) => [a.attrs.href, text(a)]),
    [
      ["https://example.com/docs", "docs"],
      ["https://example.org/a_b_c", "https://example.org/a_b_c"],
    ],
  );
  const all = text({ type: "element", tag: "root", attrs: {}, children: tree });
  assert.match(all, /\[bad\]\(javascript:alert\(1\)\)/);
  assert.match(all, /\[rel\]\(\/files\/x\)/);
  for (const source of [
    "<javascript:alert(1)>",
    "[x](data:text/html,hi)",
    "[x](//evil.example/a)",
    "mailto:a@b.example www.example.com example.com",
    "![img](https://example.com/a.png)",
  ]) {
    const hrefs = elements(parseMarkdown(source), "a").map((a) => a.attrs.href);
    assert.ok(
      hrefs.every((href) => href?.startsWith("https://")),
      `${source}: ${hrefs.join(", ")}`,
    );
  }
  assert.equal(elements(parseMarkdown("www.example.com and example.com"), "a").length, 0);
});

test("raw HTML is text, never an element", () => {
  const evil = '<script>alert(1)</script><img src=x onerror="alert(1)"><b>b</b>';
  for (const source of [evil, `**${evil}**`, `- ${evil}`, `> ${evil}`, `\`${evil}\``]) {
    const tree = parseMarkdown(source);
    const tags = walk(tree)
      .filter((n): n is El => n.type === "element")
      .map((n) => n.tag);
    assert.ok(!tags.some((tag) => ["script", "img", "b"].includes(tag)), `${source}: ${tags}`);
    assert.ok(
      text({ type: "element", tag: "root", attrs: {}, children: tree }).includes("alert(1)"),
    );
  }
});

test("only allowed tags and attributes come out", () => {
  const source = "| a | b |\n|:-|-:|\n| 1 | 2 |\n\n~~gone~~ & &lt;b&gt;\n\n---\n\n> quote";
  const tags = new Set(
    walk(parseMarkdown(source))
      .filter((n): n is El => n.type === "element")
      .map((n) => n.tag),
  );
  assert.deepEqual([...tags].sort(), [
    "blockquote",
    "hr",
    "p",
    "s",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
  ]);
  const cells = elements(parseMarkdown(source), "td").map((cell) => cell.attrs);
  assert.deepEqual(cells, [{ style: "text-align:left" }, { style: "text-align:right" }]);
});
