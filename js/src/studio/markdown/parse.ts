// Chat Markdown, parsed by markdown-it into a small tree of allowed nodes (no DOM, so the Node
// tests read it). Nothing here becomes HTML: render.ts builds DOM nodes from the tree, so the
// person sees raw HTML as text, and a link is made only for an absolute http(s) address.
import MarkdownIt, { type Token } from "markdown-it";
import { httpUrl } from "../../shared/urls";

export type MdNode =
  | { type: "text"; text: string }
  | { type: "element"; tag: string; attrs: Record<string, string>; children: MdNode[] }
  | { type: "code"; code: string; language: string };

/** Elements the tree may hold; anything else markdown-it makes keeps only its children. */
const TAGS = new Set([
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "em",
  "strong",
  "s",
  "code",
  "blockquote",
  "ul",
  "ol",
  "li",
  "hr",
  "br",
  "a",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
]);

const md = new MarkdownIt("default", {
  html: false, // raw HTML stays text
  linkify: true, // bare http(s) addresses become links
  breaks: true, // chat text keeps its line breaks
  typographer: false,
});
md.disable("image"); // no remote images: `![a](u)` reads as "!" and a link, as before
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false }); // only with a scheme
md.validateLink = (url: string) => httpUrl(url) !== null; // links, autolinks, linkify alike

/** The attributes an element keeps: a list's start, a link's href, a cell's alignment. */
function attrsOf(token: Token): Record<string, string> {
  const attrs: Record<string, string> = {};
  const start = String(token.attrGet("start") ?? "");
  if (token.tag === "ol" && /^\d+$/.test(start)) attrs.start = start;
  const href = token.tag === "a" ? httpUrl(token.attrGet("href")) : null;
  if (href) attrs.href = href;
  const style = String(token.attrGet("style") ?? "");
  if (/^text-align:(left|center|right)$/.test(style)) attrs.style = style;
  return attrs;
}

function element(tag: string, attrs: Record<string, string> = {}): MdNode & { type: "element" } {
  return { type: "element", tag, attrs, children: [] };
}

/** Append the nodes of a token stream (block or inline) to `root`. */
function build(tokens: Token[], root: MdNode & { type: "element" }): void {
  const stack = [root];
  for (const token of tokens) {
    const parent = stack[stack.length - 1];
    if (token.nesting === 1) {
      // Paragraphs of tight lists are hidden: their text sits right in the item.
      const node =
        token.hidden || !TAGS.has(token.tag) ? element("") : element(token.tag, attrsOf(token));
      if (token.tag === "a" && !node.attrs.href) node.tag = "";
      parent.children.push(node);
      stack.push(node);
    } else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else if (token.type === "inline") {
      build(token.children ?? [], parent);
    } else if (token.type === "fence" || token.type === "code_block") {
      const language = (token.info.trim().split(/\s+/)[0] ?? "").replace(/[^\w+-]/g, "");
      parent.children.push({ type: "code", code: token.content.replace(/\n$/, ""), language });
    } else if (token.type === "code_inline") {
      parent.children.push({
        ...element("code"),
        children: [{ type: "text", text: token.content }],
      });
    } else if (token.type === "softbreak" || token.type === "hardbreak") {
      parent.children.push(element("br"));
    } else if (token.type === "hr") {
      parent.children.push(element("hr"));
    } else if (token.content) {
      parent.children.push({ type: "text", text: token.content }); // text, and HTML as text
    }
  }
}

/** Elements with tag "" (hidden or not allowed) replaced by their children. */
function flatten(nodes: MdNode[]): MdNode[] {
  return nodes.flatMap((node) => {
    if (node.type !== "element") return [node];
    const children = flatten(node.children);
    return node.tag ? [{ ...node, children }] : children;
  });
}

/** Markdown to a tree of allowed nodes. An unclosed fence (text still streaming) is code so far. */
export function parseMarkdown(text: string): MdNode[] {
  const root = element("root");
  build(md.parse(String(text ?? "").replace(/\r\n?/g, "\n"), {}), root);
  return flatten(root.children);
}
