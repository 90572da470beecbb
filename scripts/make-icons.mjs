// Draws the app icon (Boris's face over a few network cells) into resources/icons/ as PNGs,
// with nothing but zlib: every pixel is supersampled from signed distances to simple shapes.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const roundedBox = (x, y, half, r) => {
  const qx = Math.abs(x) - half + r;
  const qy = Math.abs(y) - half + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const ellipse = (x, y, cx, cy, rx, ry) => (Math.hypot((x - cx) / rx, (y - cy) / ry) - 1) * Math.min(rx, ry);
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const segment = (x, y, ax, ay, bx, by, w) => {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t) - w;
};

// Layers from back to front, in a -1..1 square: [distance(x, y), colour].
const cells = [[-0.6, 0.74], [-0.2, 0.8], [0.2, 0.8], [0.6, 0.74]];
const layers = [
  [(x, y) => roundedBox(x, y, 0.94, 0.24), hex('#0f2a33')],
  ...cells.flatMap(([cx, cy], i) => cells.slice(i + 1).map(([dx, dy]) => [(x, y) => segment(x, y, cx, cy, dx, dy, 0.012), hex('#2f6f7e')])),
  ...cells.map(([cx, cy], i) => [(x, y) => circle(x, y, cx, cy, 0.07), hex(['#4cc9f0', '#f4a261', '#4cc9f0', '#f4a261'][i])]),
  [(x, y) => ellipse(x, y, 0, 0.0, 0.72, 0.5), hex('#57b86a')],
  [(x, y) => circle(x, y, -0.36, -0.38, 0.24), hex('#57b86a')],
  [(x, y) => circle(x, y, 0.36, -0.38, 0.24), hex('#57b86a')],
  [(x, y) => circle(x, y, -0.36, -0.38, 0.16), hex('#f8f9fa')],
  [(x, y) => circle(x, y, 0.36, -0.38, 0.16), hex('#f8f9fa')],
  [(x, y) => circle(x, y, -0.33, -0.36, 0.08), hex('#14213d')],
  [(x, y) => circle(x, y, 0.39, -0.36, 0.08), hex('#14213d')],
  [(x, y) => Math.max(Math.abs(ellipse(x, y, 0, 0.02, 0.42, 0.24)) - 0.025, -(y - 0.1)), hex('#1d4d2a')],
];

function render(size) {
  const rgba = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = ((px + (sx + 0.5) / samples) / size) * 2 - 1;
          const y = ((py + (sy + 0.5) / samples) / size) * 2 - 1;
          let colour = null;
          for (const [distance, c] of layers) if (distance(x, y) <= 0) colour = c;
          if (colour) {
            r += colour[0];
            g += colour[1];
            b += colour[2];
            a += 255;
          }
        }
      }
      const n = samples * samples;
      const at = (py * size + px) * 4;
      const coverage = a / 255;
      rgba[at] = coverage ? r / coverage : 0;
      rgba[at + 1] = coverage ? g / coverage : 0;
      rgba[at + 2] = coverage ? b / coverage : 0;
      rgba[at + 3] = a / n;
    }
  }
  return png(size, rgba);
}

mkdirSync('resources/icons', { recursive: true });
for (const size of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(`resources/icons/${size}x${size}.png`, render(size));
writeFileSync('resources/icons/icon.png', render(512));
console.log('wrote resources/icons/*.png');
