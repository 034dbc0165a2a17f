import { memo, useEffect, useState, type ReactNode } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';

/**
 * Model output is untrusted. Markdown is parsed to a syntax tree (raw HTML stays text: no
 * rehype-raw), sanitised with the math classes allowed, and only then typeset by KaTeX with
 * `trust` off (no \href, \includegraphics, \htmlClass…). Images and links are shown as text:
 * a trace must never make the browser fetch anything.
 */
const schema: SanitizeSchema = {
  ...defaultSchema,
  tagNames: (defaultSchema.tagNames ?? []).filter((t) => t !== 'img'),
  attributes: {
    ...defaultSchema.attributes,
    code: [['className', /^language-./, 'math-inline', 'math-display']],
  },
};

interface HastNode {
  type: string;
  value?: string;
  children?: HastNode[];
}

/** HTML inside a trace is shown as the text it is (before sanitising, which would drop it silently). */
function rehypeRawAsText() {
  const walk = (node: HastNode) => {
    for (const child of node.children ?? []) {
      if (child.type === 'raw') child.type = 'text';
      else walk(child);
    }
  };
  return walk;
}

interface MdastNode {
  type: string;
  position?: { start: { offset?: number } };
  data?: { hProperties?: Record<string, unknown> };
  children?: MdastNode[];
}

/**
 * `$$…$$` written on one line is display math, as in LaTeX; remark-math reads it as inline math
 * (only `$$` on lines of their own makes a math block). The class tells rehype-katex to typeset
 * it in display mode.
 */
function remarkDoubleDollarDisplay() {
  return (tree: MdastNode, file: { value: unknown }) => {
    const source = String(file.value);
    const walk = (node: MdastNode) => {
      for (const child of node.children ?? []) {
        const at = child.position?.start.offset;
        if (child.type === 'inlineMath' && at !== undefined && source.startsWith('$$', at)) {
          child.data = {
            ...child.data,
            hProperties: {
              ...child.data?.hProperties,
              className: ['language-math', 'math-display'],
            },
          };
        } else walk(child);
      }
    };
    walk(tree);
  };
}

const katexOptions = {
  trust: false,
  strict: 'ignore',
  throwOnError: false,
  maxSize: 20,
  maxExpand: 1000,
} as const;

const components: Components = {
  a: ({ children, href }) => (
    <span className="md-link">
      {children}
      {href && !sameText(children, href) ? <span className="md-url"> ⟨{href}⟩</span> : null}
    </span>
  ),
};

function sameText(children: ReactNode, href: string): boolean {
  return typeof children === 'string' && children === href;
}

type KatexPlugin = typeof import('rehype-katex').default;
let katex: KatexPlugin | null = null;
let katexLoading: Promise<KatexPlugin> | null = null;

function loadKatex(): Promise<KatexPlugin> {
  katexLoading ??= import('./katex.ts').then((m) => (katex = m.rehypeKatex));
  return katexLoading;
}

/** remark-math's delimiters are $…$ and $$…$$: no dollar sign, no math. */
const hasMath = (text: string) => text.includes('$');

/** KaTeX, once loaded (on first need); until then math shows as its TeX source. */
function useKatex(needed: boolean): KatexPlugin | null {
  const [plugin, setPlugin] = useState<KatexPlugin | null>(() => katex);
  useEffect(() => {
    if (!needed || plugin) return;
    let live = true;
    void loadKatex().then((p) => live && setPlugin(() => p));
    return () => {
      live = false;
    };
  }, [needed, plugin]);
  return needed ? plugin : null;
}

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const rehypeKatex = useKatex(hasMath(text));
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm, remarkMath, remarkDoubleDollarDisplay]}
        rehypePlugins={
          rehypeKatex
            ? [rehypeRawAsText, [rehypeSanitize, schema], [rehypeKatex, katexOptions]]
            : [rehypeRawAsText, [rehypeSanitize, schema]]
        }
        components={components}
        skipHtml={false}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
});
