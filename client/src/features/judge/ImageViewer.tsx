import { useState } from 'react';
import { TransformComponent, TransformWrapper } from 'react-zoom-pan-pinch';

/** The item's images with zoom and pan: wheel or pinch to zoom, drag to pan, double-click or Reset. */
export function ImageViewer({ images }: { images: string[] }) {
  const [index, setIndex] = useState(0);
  const src = images[Math.min(index, images.length - 1)];
  if (!src) return null;
  return (
    <figure className="image-viewer">
      <TransformWrapper
        key={src}
        minScale={1}
        maxScale={12}
        doubleClick={{ mode: 'reset' }}
        wheel={{ step: 0.15 }}
      >
        {({ zoomIn, zoomOut, resetTransform }) => (
          <>
            <div className="image-tools" role="toolbar" aria-label="Image zoom">
              <button type="button" onClick={() => void zoomIn()} aria-label="Zoom in">
                +
              </button>
              <button type="button" onClick={() => void zoomOut()} aria-label="Zoom out">
                −
              </button>
              <button type="button" onClick={() => void resetTransform()}>
                Reset
              </button>
              {images.length > 1 ? (
                <span className="image-pager">
                  {images.map((_, i) => (
                    <button
                      key={i}
                      type="button"
                      aria-pressed={i === index}
                      aria-label={`Image ${i + 1} of ${images.length}`}
                      onClick={() => setIndex(i)}
                    >
                      {i + 1}
                    </button>
                  ))}
                </span>
              ) : null}
            </div>
            <TransformComponent wrapperClass="image-frame" contentClass="image-content">
              <img
                src={src}
                alt={`Image ${index + 1} of ${images.length} for this question`}
                draggable={false}
              />
            </TransformComponent>
          </>
        )}
      </TransformWrapper>
      <figcaption className="hint">
        Scroll or pinch to zoom · drag to pan · double-click to reset
      </figcaption>
    </figure>
  );
}
