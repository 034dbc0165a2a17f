import type { ReactNode } from 'react';
import type { Side } from '../../../../shared/judge-api.ts';
import { Markdown } from '../markdown/Markdown.tsx';

interface SideText {
  trace: string;
  answer: string;
}

/**
 * The question (with its images) and the two traces as Left and Right: the comparison, training
 * and adjudication. `tags` follow the Question heading; `images` replaces the plain image list
 * (the comparison's image viewer).
 */
export function SidePanes({
  item,
  left,
  right,
  tags,
  images,
}: {
  item: { question: string; images: string[] };
  left: SideText;
  right: SideText;
  tags?: ReactNode;
  images?: ReactNode;
}) {
  const hasImage = item.images.length > 0;
  return (
    <div className={`panes${hasImage ? ' with-image' : ' no-image'}`}>
      <section className="question" aria-labelledby="question-heading">
        <h2 id="question-heading">Question{tags}</h2>
        <div className="question-text" tabIndex={0} aria-label="Question text">
          <Markdown text={item.question} />
        </div>
        {images ??
          item.images.map((src, i) => (
            <img key={src} className="side-pane-image" src={src} alt={`Image ${i + 1}`} />
          ))}
      </section>
      {(
        [
          ['left', 'Left', left],
          ['right', 'Right', right],
        ] as const
      ).map(([key, title, side]) => (
        <section
          key={key}
          className={`trace trace-${key}`}
          aria-labelledby={`trace-${key}-heading`}
        >
          <h2 id={`trace-${key}-heading`}>{title}</h2>
          <div className="trace-body" tabIndex={0} aria-label={`${title} reasoning`}>
            <Markdown text={side.trace} />
          </div>
          <div className="answer" tabIndex={0} aria-label={`${title} final answer`}>
            <h3>Final answer</h3>
            <Markdown text={side.answer || '(no final answer)'} />
          </div>
        </section>
      ))}
    </div>
  );
}

export const sideWords = { left: 'Left is better', right: 'Right is better', tie: 'Tie' } as const;

/** The three overall choices as radio buttons, Left · Tie · Right (training and adjudication). */
export function SideChoice({
  name,
  value,
  onChange,
}: {
  name: string;
  value: Side | null;
  onChange(side: Side): void;
}) {
  return (['left', 'tie', 'right'] as const).map((s) => (
    <label key={s}>
      <input
        type="radio"
        name={name}
        value={s}
        checked={value === s}
        onChange={() => onChange(s)}
      />{' '}
      {sideWords[s]}
    </label>
  ));
}
