import {
  forwardRef,
  useCallback,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
  type PointerEvent,
} from 'react';
import {
  FULL_RANGE,
  GRAY16_MIME,
  applyLut,
  autoWindow,
  autoWindowValues,
  clampView,
  clampWindow,
  clampWindowIn,
  domainWindow,
  fittedView,
  isFullRange,
  isGreyscale,
  parseGray16,
  renderValues,
  wheelFactor,
  windowLut,
  zoomAbout,
  type Gray16,
  type GreyWindow,
  type Size,
  type View,
} from './image-math.ts';
import type { ImageKeyActions } from './use-judge-keys.ts';

interface Loaded {
  size: Size;
  pixels: ImageData;
  grey: boolean;
  /** A 16-bit greyscale image (DICOM): windowed from its values, in their units. */
  values?: Gray16;
}

type Preset = { name: string; window: (l: Loaded) => GreyWindow };

const PRESETS: readonly Preset[] = [
  { name: 'Full range', window: () => FULL_RANGE },
  { name: 'Auto contrast', window: (l) => autoWindow(l.pixels.data) },
  { name: 'Dark detail', window: () => ({ center: 64, width: 128 }) },
  { name: 'Bright detail', window: () => ({ center: 192, width: 128 }) },
  { name: 'High contrast', window: () => ({ center: 127.5, width: 96 }) },
];

/** For 16-bit images: the file's own window first (where window/level starts), then the values'. */
const VALUE_PRESETS: readonly Preset[] = [
  { name: 'File window', window: (l) => startWindow(l) },
  { name: 'Full range', window: (l) => domainWindow(l.values!.domain) },
  { name: 'Auto contrast', window: (l) => autoWindowValues(l.values!.values, l.values!.domain) },
  {
    name: 'High contrast',
    window: (l) => {
      const s = startWindow(l);
      return clampWindowIn({ center: s.center, width: s.width / 2.5 }, l.values!.domain);
    },
  },
];

const presetsOf = (l: Loaded | null) => (l?.values ? VALUE_PRESETS : PRESETS);

/** The window an image opens with (and Reset returns to). */
function startWindow(l: Loaded | null): GreyWindow {
  if (!l?.values) return FULL_RANGE;
  return l.values.fileWindow ?? domainWindow(l.values.domain);
}

/** A gray16 image (the import's form of a DICOM file), fetched and decoded here. */
async function loadGray16(src: string): Promise<Gray16 | null> {
  const res = await fetch(src);
  if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith(GRAY16_MIME)) return null;
  return parseGray16(await res.arrayBuffer());
}

const dpr = () => window.devicePixelRatio || 1;

/**
 * The item's images on a canvas: wheel or pinch to zoom (15 % a notch, capped at 8 screen pixels
 * per image pixel, 1:1 for one image pixel per device pixel, unsmoothed once pixels are 2 device
 * pixels wide), drag to pan, and for greyscale images window/level (Shift- or right-drag, keys,
 * presets) applied to the pixel values through a lookup table, so Reset restores them exactly.
 */
export const ImageViewer = forwardRef<ImageKeyActions, { images: string[] }>(function ImageViewer(
  { images },
  ref,
) {
  const [index, setIndex] = useState(0);
  const src = images[Math.min(index, images.length - 1)] ?? '';
  const frame = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failed, setFailed] = useState(false);
  const [frameSize, setFrameSize] = useState<Size>({ width: 1, height: 1 });
  const [view, setView] = useState<View | null>(null);
  const [grey, setGrey] = useState<GreyWindow>(FULL_RANGE);
  const [preset, setPreset] = useState<number | null>(0);

  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    const observer = new ResizeObserver(() =>
      setFrameSize({ width: el.clientWidth || 1, height: el.clientHeight || 1 }),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    let live = true;
    setLoaded(null);
    setFailed(false);
    setView(null);
    setGrey(FULL_RANGE);
    setPreset(0);
    const img = new Image();
    img.src = src;
    img
      .decode()
      .then(() => {
        if (!live || !canvas.current) return;
        const c = canvas.current;
        c.width = img.naturalWidth;
        c.height = img.naturalHeight;
        const ctx = c.getContext('2d', { willReadFrequently: true });
        if (!ctx) return;
        ctx.drawImage(img, 0, 0);
        const pixels = ctx.getImageData(0, 0, c.width, c.height);
        setLoaded({
          size: { width: c.width, height: c.height },
          pixels,
          grey: isGreyscale(pixels.data),
        });
      })
      // Not an image the browser decodes: a 16-bit greyscale (DICOM) image, or a failure.
      .catch(() => loadGray16(src))
      .then((values) => {
        if (!live || values === undefined) return;
        if (!values || !canvas.current) return setFailed(true);
        canvas.current.width = values.width;
        canvas.current.height = values.height;
        const l: Loaded = {
          size: { width: values.width, height: values.height },
          pixels: new ImageData(values.width, values.height),
          grey: true,
          values,
        };
        setLoaded(l);
        setGrey(startWindow(l));
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [src]);

  // The pixels drawn are always the original ones through the current window.
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d', { willReadFrequently: true });
    if (!loaded || !ctx) return;
    if (loaded.values) {
      const out = new ImageData(loaded.size.width, loaded.size.height);
      renderValues(loaded.values.values, grey, loaded.values.invert, out.data);
      return ctx.putImageData(out, 0, 0);
    }
    if (!loaded.grey || isFullRange(grey)) return ctx.putImageData(loaded.pixels, 0, 0);
    const out = new ImageData(loaded.size.width, loaded.size.height);
    applyLut(loaded.pixels.data, out.data, windowLut(grey));
    ctx.putImageData(out, 0, 0);
  }, [loaded, grey]);

  const size = loaded?.size ?? null;
  // Until the judge zooms, the image follows the frame's size.
  const shown = size
    ? view
      ? clampView(view, frameSize, size)
      : fittedView(frameSize, size)
    : null;

  const zoomAt = useCallback(
    (factor: number, px?: number, py?: number) => {
      if (!size) return;
      setView((v) =>
        zoomAbout(
          v ?? fittedView(frameSize, size),
          factor,
          px ?? frameSize.width / 2,
          py ?? frameSize.height / 2,
          frameSize,
          size,
          dpr(),
        ),
      );
    },
    [frameSize, size],
  );

  const adjustWindow = useCallback(
    (dWidth: number, dCenter: number) => {
      if (!loaded?.grey) return;
      setPreset(null);
      const values = loaded.values;
      if (values) {
        // one screen pixel or key step moves the window by 1/255 of the values' range
        const k = (values.domain.hi - values.domain.lo) / 255;
        setGrey((g) =>
          clampWindowIn(
            { width: g.width + dWidth * k, center: g.center + dCenter * k },
            values.domain,
          ),
        );
        return;
      }
      setGrey((g) => clampWindow({ width: g.width + dWidth, center: g.center + dCenter }));
    },
    [loaded],
  );
  const choosePreset = (i: number) => {
    const p = presetsOf(loaded)[i];
    if (!p || !loaded?.grey) return;
    setPreset(i);
    setGrey(p.window(loaded));
  };
  const reset = () => {
    setView(null);
    setGrey(startWindow(loaded));
    setPreset(0);
  };
  const actualPixels = () => {
    if (!size || !shown) return;
    zoomAt(1 / dpr() / shown.zoom);
  };

  useImperativeHandle(ref, () => ({
    adjustWindow,
    nextPreset: () => choosePreset(((preset ?? 0) + 1) % presetsOf(loaded).length),
    reset,
    zoom: (f) => zoomAt(f),
    actualPixels,
  }));

  // Wheel: a non-passive listener, so the page does not scroll while zooming.
  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      zoomAt(wheelFactor(e.deltaY, e.deltaMode), e.clientX - r.left, e.clientY - r.top);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoomAt]);

  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<'pan' | 'window' | 'pinch' | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!size || !shown) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.current.size === 2) gesture.current = 'pinch';
    else if (e.button === 2 || e.shiftKey) gesture.current = loaded?.grey ? 'window' : null;
    else if (e.button === 0) gesture.current = 'pan';
    if (!view) setView(shown);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const last = pointers.current.get(e.pointerId);
    if (!last || !size) return;
    const dx = e.clientX - last.x;
    const dy = e.clientY - last.y;
    if (gesture.current === 'pinch') {
      const [a, b] = [...pointers.current.values()];
      pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
      const [c, d] = [...pointers.current.values()];
      if (!a || !b || !c || !d) return;
      const before = Math.hypot(a.x - b.x, a.y - b.y);
      const after = Math.hypot(c.x - d.x, c.y - d.y);
      const r = e.currentTarget.getBoundingClientRect();
      if (before > 0) zoomAt(after / before, (c.x + d.x) / 2 - r.left, (c.y + d.y) / 2 - r.top);
      return;
    }
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (gesture.current === 'pan')
      setView((v) => v && clampView({ ...v, x: v.x + dx, y: v.y + dy }, frameSize, size));
    // Right: wider window (less contrast); down: higher level (darker).
    else if (gesture.current === 'window') adjustWindow(dx, dy);
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(e.pointerId);
    if (pointers.current.size === 0) gesture.current = null;
    else if (gesture.current === 'pinch') gesture.current = 'pan';
  };

  const pixelated = shown ? shown.zoom * dpr() >= 2 : false;
  const alt = `Image ${index + 1} of ${images.length} for this question`;
  return (
    <figure className="image-viewer">
      {/* a click on a tool leaves the focus where it was, so Enter still submits */}
      <div
        className="image-tools"
        role="toolbar"
        aria-label="Image viewing"
        onMouseDown={(e) => {
          if (e.target instanceof HTMLElement && e.target.closest('button')) e.preventDefault();
        }}
      >
        <button
          type="button"
          onClick={() => zoomAt(0.8)}
          aria-label="Zoom out"
          title="Zoom out (−)"
        >
          −
        </button>
        <button type="button" onClick={() => zoomAt(1.25)} aria-label="Zoom in" title="Zoom in (+)">
          +
        </button>
        <button type="button" onClick={actualPixels} title="One image pixel per screen pixel (P)">
          1:1
        </button>
        {loaded?.grey ? (
          <label className="wl-preset">
            <span className="visually-hidden">Window preset</span>
            <select
              value={preset ?? ''}
              onChange={(e) => choosePreset(Number(e.target.value))}
              title="Window presets (W cycles)"
            >
              {preset === null ? <option value="">Custom window</option> : null}
              {presetsOf(loaded).map((p, i) => (
                <option key={p.name} value={i}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <button
          type="button"
          onClick={reset}
          title={loaded?.values ? "Fit and the file's window (R)" : 'Fit and full range (R)'}
        >
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
      <div
        ref={frame}
        className="image-frame"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onContextMenu={(e) => e.preventDefault()}
        onDoubleClick={() => setView(null)}
      >
        <canvas
          ref={canvas}
          role="img"
          aria-label={alt}
          className={pixelated ? 'pixelated' : undefined}
          style={
            shown && size
              ? {
                  width: `${size.width}px`,
                  height: `${size.height}px`,
                  transform: `translate(${shown.x}px, ${shown.y}px) scale(${shown.zoom})`,
                }
              : { visibility: 'hidden' }
          }
        />
        {failed ? <p className="image-error">The image could not be loaded.</p> : null}
      </div>
      <figcaption className="hint">
        {loaded?.grey ? (
          <span className="wl-readout" data-testid="window-readout">
            W {Math.round(grey.width)} · L {Math.round(grey.center)} ·{' '}
          </span>
        ) : null}
        Wheel or pinch: zoom · drag: pan
        {loaded?.grey ? ' · Shift- or right-drag: window/level' : ''} · double-click: fit
      </figcaption>
    </figure>
  );
});
