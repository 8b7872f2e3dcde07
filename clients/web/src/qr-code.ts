/**
 * QR codes drawn on a canvas in the page (safety numbers, the 2FA otpauth
 * URI): no image service, nothing leaves the page. The canvas gets a text
 * alternative, since the same content is always printed beside it.
 */
import QRCode from 'qrcode';
import { h } from './dom.js';

export function qrCanvas(text: string, label: string): HTMLCanvasElement {
  const canvas = h('canvas', { class: 'qr', role: 'img', 'aria-label': label, 'data-qr': 'true' });
  void QRCode.toCanvas(canvas, text, { errorCorrectionLevel: 'M', margin: 2, scale: 5 }).catch(() => {
    canvas.setAttribute('aria-label', `${label} (could not be drawn)`);
  });
  return canvas;
}
