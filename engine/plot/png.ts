/**
 * Images for figures: PNG encoding (zlib from Node, no image library) and the colour maps that turn
 * values in [0, 1] into colours. Heatmaps are embedded in SVG as PNG (heatmap.ts) because one image
 * of T x N pixels is far smaller and faster to render than T x N rectangles.
 */
import { crc32, deflateSync } from 'node:zlib';

export type Rgb = [number, number, number];

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** RGB image (width x height, rows top to bottom) as PNG bytes. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

const clamp01 = (v: number) => Math.min(Math.max(v, 0), 1);

/** A perceptually ordered dark-to-bright colour map (viridis anchors, linear in between). */
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
export function viridis(v: number): Rgb {
  const x = clamp01(v) * (VIRIDIS.length - 1);
  const k = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const t = x - k;
  return [0, 1, 2].map((c) => Math.round(VIRIDIS[k][c] * (1 - t) + VIRIDIS[k + 1][c] * t)) as Rgb;
}

/** White (0) to blue (1): for probabilities drawn under markers, which stay readable on it. */
export function whiteBlue(v: number): Rgb {
  const g = Math.round(255 * (1 - clamp01(v)));
  return [g, g, 255];
}

export const css = (c: Rgb) => `rgb(${c[0]},${c[1]},${c[2]})`;

/** value(x, y) for x in [0, width), y in [0, height) (row 0 on top) mapped through [lo, hi] to colours. */
export function heatmapPng(width: number, height: number, value: (x: number, y: number) => number, lo: number, hi: number, map: (v: number) => Rgb = viridis): Buffer {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rgb.set(map((value(x, y) - lo) / (hi - lo || 1)), (y * width + x) * 3);
  }
  return encodePng(width, height, rgb);
}
