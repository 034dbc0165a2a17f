import { Markdown } from '../markdown/Markdown.tsx';

interface SideText {
  trace: string;
  answer: string;
}

/** The question (with its images) and the two traces as Left and Right: training and adjudication. */
export function SidePanes({
  item,
  left,
  right,
}: {
  item: { question: string; images: string[] };
  left: SideText;
  right: SideText;
}) {
  const hasImage = item.images.length > 0;
  return (
    <div className={`panes${hasImage ? ' with-image' : ' no-image'}`}>
      <section className="question" aria-labelledby="question-heading">
        <h2 id="question-heading">Question</h2>
        <div className="question-text" tabIndex={0} aria-label="Question text">
          <Markdown text={item.question} />
        </div>
        {item.images.map((src, i) => (
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
