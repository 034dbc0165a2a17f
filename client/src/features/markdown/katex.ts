// Loaded only when a text contains math: KaTeX is ~75 KB gzipped, more than the rest of a trace view.
import 'katex/dist/katex.min.css';

export { default as rehypeKatex } from 'rehype-katex';
