/** rows/s over time as a small SVG line chart, drawn by hand (no chart library). */
import { formatCount } from './format.ts';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 80;

export class RateChart {
  readonly element: SVGSVGElement;
  readonly #line: SVGPolylineElement;
  readonly #area: SVGPolygonElement;
  readonly #maxLabel: SVGTextElement;
  #points: { ms: number; rate: number }[] = [];

  constructor() {
    this.element = svg('svg', {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      preserveAspectRatio: 'none',
      class: 'rate-chart',
      'aria-hidden': 'true',
      focusable: 'false',
    }) as SVGSVGElement;
    this.#area = svg('polygon', { class: 'rate-area' }) as SVGPolygonElement;
    this.#line = svg('polyline', { class: 'rate-line', fill: 'none' }) as SVGPolylineElement;
    this.#maxLabel = svg('text', { x: 4, y: 12, class: 'rate-label' }) as SVGTextElement;
    this.element.append(this.#area, this.#line, this.#maxLabel);
  }

  reset(): void {
    this.#points = [];
    this.#draw();
  }

  add(ms: number, rate: number): void {
    this.#points.push({ ms, rate });
    this.#draw();
  }

  #draw(): void {
    const points = this.#points;
    if (points.length === 0) {
      this.#line.setAttribute('points', '');
      this.#area.setAttribute('points', '');
      this.#maxLabel.textContent = '';
      return;
    }
    const maxMs = Math.max(1, points[points.length - 1]!.ms);
    const maxRate = Math.max(1, ...points.map((p) => p.rate));
    const xy = [{ ms: 0, rate: 0 }, ...points].map(
      (p) =>
        `${((p.ms / maxMs) * WIDTH).toFixed(1)},${(HEIGHT - (p.rate / maxRate) * (HEIGHT - 16)).toFixed(1)}`,
    );
    this.#line.setAttribute('points', xy.join(' '));
    this.#area.setAttribute('points', `${xy.join(' ')} ${WIDTH},${HEIGHT} 0,${HEIGHT}`);
    this.#maxLabel.textContent = `peak ${formatCount(maxRate)} rows/s`;
  }
}

function svg(tag: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}
