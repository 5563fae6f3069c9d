import { encode } from 'uqr';
import { useMemo } from 'preact/hooks';

/**
 * A QR code drawn from its content as SVG (SPEC §13: a real QR image, at least 160 px): one path of dark modules with a
 * quiet zone, crisp at any size. The content is what the person's phone reads; the page never sends it anywhere.
 */
export function QrImage(props: { content: string; label: string; size?: number }) {
  const { path, side } = useMemo(() => {
    const { data, size } = encode(props.content, { border: 2 });
    let d = '';
    data.forEach((row, y) => row.forEach((dark, x) => dark && (d += `M${x} ${y}h1v1h-1z`)));
    return { path: d, side: size };
  }, [props.content]);
  const px = props.size ?? 200;
  return (
    <svg class="qr" role="img" aria-label={props.label} width={px} height={px} viewBox={`0 0 ${side} ${side}`} shape-rendering="crispEdges" data-content={props.content}>
      <rect width={side} height={side} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
