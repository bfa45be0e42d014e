/**
 * Small inline SVG charts for the report page: plain markup, no script, no external resource. Each
 * chart has a title and a description for screen readers (`role="img"`), and the page shows the
 * same figures as a table beside it.
 */

export function escapeHtml(s: string): string {
	return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Colours with at least 4.5:1 contrast on white, told apart by more than hue (the legend names them). */
export const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#b91c1c', '#6d28d9', '#374151'] as const;

export interface Series {
	readonly label: string;
	readonly values: ReadonlyArray<number>;
	readonly color?: string;
}

export interface ChartOptions {
	readonly id: string;
	readonly title: string;
	readonly description: string;
	/** Labels of the x positions (shown for the first and last, and in the tooltip titles). */
	readonly xLabels: ReadonlyArray<string>;
	readonly width?: number;
	readonly height?: number;
	/** Unit after values in tooltips and on the axis ("ms"). */
	readonly unit?: string;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** A round maximum for the y axis (1, 2, 5 x 10^n) at or above `max`. */
export function niceMax(max: number): number {
	if (!(max > 0)) return 1;
	const p = 10 ** Math.floor(Math.log10(max));
	for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
	return 10 * p;
}

function frame(o: ChartOptions, yMax: number, body: string, legend: ReadonlyArray<Series>): string {
	const w = o.width ?? 640;
	const h = o.height ?? 220;
	const left = 56;
	const bottom = h - 28;
	const ticks = [0, 0.5, 1].map((f) => {
		const y = bottom - f * (bottom - 12);
		return `<line x1="${left}" y1="${y}" x2="${w - 8}" y2="${y}" stroke="#d1d5db"/><text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#374151">${escapeHtml(fmt(yMax * f))}${o.unit ? ` ${escapeHtml(o.unit)}` : ''}</text>`;
	});
	const first = o.xLabels[0] ?? '';
	const last = o.xLabels[o.xLabels.length - 1] ?? '';
	const legendItems = legend
		.map(
			(s, i) =>
				`<g transform="translate(${left + i * 130},${h + 8})"><rect width="10" height="10" y="-9" fill="${s.color ?? PALETTE[i % PALETTE.length]}"/><text x="14" font-size="11" fill="#111827">${escapeHtml(s.label)}</text></g>`,
		)
		.join('');
	return (
		`<svg id="${escapeHtml(o.id)}" role="img" aria-labelledby="${escapeHtml(o.id)}-t ${escapeHtml(o.id)}-d" viewBox="0 0 ${w} ${h + (legend.length > 1 ? 16 : 0)}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">` +
		`<title id="${escapeHtml(o.id)}-t">${escapeHtml(o.title)}</title><desc id="${escapeHtml(o.id)}-d">${escapeHtml(o.description)}</desc>` +
		ticks.join('') +
		body +
		`<text x="${left}" y="${bottom + 14}" font-size="11" fill="#374151">${escapeHtml(first)}</text>` +
		`<text x="${w - 8}" y="${bottom + 14}" font-size="11" text-anchor="end" fill="#374151">${escapeHtml(last)}</text>` +
		(legend.length > 1 ? legendItems : '') +
		`</svg>`
	);
}

/** Stacked bars, one per x position. */
export function barChart(series: ReadonlyArray<Series>, o: ChartOptions): string {
	const w = o.width ?? 640;
	const h = o.height ?? 220;
	const left = 56;
	const bottom = h - 28;
	const n = Math.max(1, o.xLabels.length);
	const totals = Array.from({ length: n }, (_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
	const yMax = niceMax(Math.max(0, ...totals));
	const slot = (w - 8 - left) / n;
	const bw = Math.max(1, slot * 0.7);
	const scale = (bottom - 12) / yMax;
	const bars: string[] = [];
	for (let i = 0; i < n; i++) {
		let y = bottom;
		for (const [k, s] of series.entries()) {
			const v = s.values[i] ?? 0;
			if (v <= 0) continue;
			const hgt = Math.max(1, v * scale);
			y -= hgt;
			bars.push(
				`<rect x="${(left + i * slot + (slot - bw) / 2).toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${hgt.toFixed(1)}" fill="${s.color ?? PALETTE[k % PALETTE.length]}"><title>${escapeHtml(`${o.xLabels[i] ?? ''} · ${s.label}: ${fmt(v)}${o.unit ? ` ${o.unit}` : ''}`)}</title></rect>`,
			);
		}
	}
	return frame(o, yMax, bars.join(''), series);
}

/** A line (with its area) over the x positions. */
export function lineChart(series: Series, o: ChartOptions): string {
	const w = o.width ?? 640;
	const h = o.height ?? 220;
	const left = 56;
	const bottom = h - 28;
	const n = series.values.length;
	const yMax = niceMax(Math.max(0, ...series.values));
	const x = (i: number) => left + (n <= 1 ? 0 : (i * (w - 8 - left)) / (n - 1));
	const y = (v: number) => bottom - (v * (bottom - 12)) / yMax;
	const color = series.color ?? PALETTE[0];
	if (n === 0) return frame(o, yMax, '', [series]);
	const pts = series.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
	const area = `<polygon points="${x(0).toFixed(1)},${bottom} ${pts.join(' ')} ${x(n - 1).toFixed(1)},${bottom}" fill="${color}" fill-opacity="0.12"/>`;
	const line = `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`;
	const dots = series.values
		.map(
			(v, i) =>
				`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"><title>${escapeHtml(`${o.xLabels[i] ?? ''}: ${fmt(v)}${o.unit ? ` ${o.unit}` : ''}`)}</title></circle>`,
		)
		.join('');
	return frame(o, yMax, area + line + dots, [series]);
}
